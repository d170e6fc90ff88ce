// Profile names are compared without regard to case or Unicode normalisation, so "Work" and "work"
// are one profile everywhere: in the settings file and as the keychain account.

/** The form a profile name is compared (and stored in the keychain) by. Locale-free, unlike toLocaleLowerCase. */
export const profileKey = (name: string): string => name.trim().normalize('NFC').toLowerCase();

export const sameProfileName = (a: string, b: string): boolean => profileKey(a) === profileKey(b);
