// The engine's messages in both languages: every error code and every message id has a Simplified Chinese
// text that keeps the English placeholders, and messages render (nested ones too) the same way everywhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appError, catalogueEntry, codeMsg, english, ERROR_CODES, messageOf, withMessage } from '../../src/shared/errors.js';
import { filesMsg, fill, MESSAGES, msg, placeholders, type MessageId } from '../../src/shared/messages.js';
import { ERRORS_ZH, MESSAGES_ZH } from '../../src/shared/messages-zh.js';
import { RULES } from '../../src/main/engine/sync/plan-rules.js';
import { findCollisions, problemsMsg, S3_KEY_LIMITS, validateKey } from '../../src/main/engine/sync/keys.js';

const CJK = /[\u4e00-\u9fff]/;
/** Texts that are only placeholders and punctuation: nothing in them to translate. */
const UNTRANSLATED = new Set<MessageId>(['detail.bucket', 'why.renamedTo', 'detail.resolved', 'detail.tls', 'error.clockWarn', 'why.skipped', 'keys.problems']);

test('every error code has a Chinese message, and a Chinese hint exactly when it has an English one', () => {
  const missing = ERROR_CODES.filter((code) => !ERRORS_ZH[code]?.message || !CJK.test(ERRORS_ZH[code].message));
  assert.deepEqual(missing, [], 'codes without a Chinese message');
  const hintMismatch = ERROR_CODES.filter((code) => Boolean(catalogueEntry(code).hint) !== Boolean(ERRORS_ZH[code]?.hint));
  assert.deepEqual(hintMismatch, [], 'codes whose hint is missing in one language');
  assert.deepEqual(Object.keys(ERRORS_ZH).filter((code) => !(ERROR_CODES as string[]).includes(code)), [], 'no Chinese entry for a code that does not exist');
});

test('every message id has a Chinese text with the same placeholders, and no Chinese text is left over', () => {
  const ids = Object.keys(MESSAGES) as MessageId[];
  const missing = ids.filter((id) => typeof MESSAGES_ZH[id] !== 'string' || MESSAGES_ZH[id].trim() === '');
  assert.deepEqual(missing, [], 'message ids without a Chinese text');
  const untranslated = ids.filter((id) => !UNTRANSLATED.has(id) && !CJK.test(MESSAGES_ZH[id]));
  assert.deepEqual(untranslated, [], 'Chinese texts still in English');
  const placeholderDiff = ids.filter((id) => placeholders(MESSAGES[id]).join() !== placeholders(MESSAGES_ZH[id]).join());
  assert.deepEqual(placeholderDiff, [], 'Chinese texts that lose or add a placeholder');
  assert.deepEqual(Object.keys(MESSAGES_ZH).filter((id) => !(id in MESSAGES)), [], 'Chinese texts for ids that do not exist');
});

test('a message renders its placeholders, nested messages and codes in English', () => {
  assert.equal(english(msg('gate.root-empty', { path: '/p', files: filesMsg(1) })), 'The folder “/p” is empty, but 1 file were synced from it.');
  assert.equal(english(filesMsg(3)), '3 files');
  assert.equal(english(msg('error.listDenied', { reason: codeMsg('access-denied') })), 'These keys may not list the bucket: The keys do not have permission for this operation.');
  const zh = (m: { id: string; params?: Record<string, unknown> }): string => fill(MESSAGES_ZH[m.id as MessageId], m.params as never, zh as never);
  assert.equal(zh(msg('why.trashed', { why: msg('why.deletedTrash'), trashKey: '.cos-sync-trash/2026-12-04/a.txt' })),
    '已从文件夹中删除（删除策略“回收站”）：已移到存储桶的回收站，位置为“.cos-sync-trash/2026-12-04/a.txt”。');
});

test('an error built from a message keeps the English for the CLI and the message for the window', () => {
  const error = appError('invalid-argument', { message: msg('error.prefixDots', { prefix: 'a/../b' }), hint: msg('hint.prefixPlain') });
  assert.equal(error.message, 'The bucket prefix "a/../b" has a "." or ".." folder.');
  assert.equal(error.hint, 'Use a plain folder path such as photos/2026.');
  assert.deepEqual(error.i18n, { message: { id: 'error.prefixDots', params: { prefix: 'a/../b' } }, hint: { id: 'hint.prefixPlain' } });
  assert.equal(appError('no-such-bucket').i18n, undefined, 'a plain catalogue error needs no id: its code is translated');
  assert.deepEqual(messageOf(appError('no-such-bucket')), codeMsg('no-such-bucket'));
  const wrapped = withMessage(appError('access-denied'), msg('error.listDenied', { reason: messageOf(appError('access-denied')) }));
  assert.equal(wrapped.hint, catalogueEntry('access-denied').hint, 'the hint stays');
  assert.match(wrapped.message, /^These keys may not list the bucket: The keys do not have permission/);
});

test('every planner rule gives its operations a reason message whose English is the reason', () => {
  const local = { key: 'k', relPath: 'k', size: 1, mtimeMs: 1, md5: 'x' };
  const remote = { key: 'k', size: 1, etag: 'e', lastModifiedMs: 1 };
  const synced = { key: 'k', size: 1, mtimeMs: 1, etag: 'e', syncedAtMs: 1 };
  let checked = 0;
  for (const rule of RULES) {
    const ops = rule.then({
      key: 'k', local, remote, synced, localState: 'changed', remoteState: 'changed', content: 'different', localVsSynced: 'different', ignored: false,
      rename: rule.when.rename === 'target' ? { role: 'target', fromKey: 'old', expectSourceEtag: 'e' } : rule.when.rename === 'source' ? { role: 'source', toKey: 'new' } : undefined,
    }, { deletePolicy: 'trash', trashKeyFor: (key) => `.cos-sync-trash/x/${key}` });
    for (const op of ops) {
      assert.ok(op.why, `${rule.name}: ${op.kind} has a reason message`);
      assert.equal(english(op.why), op.reason, `${rule.name}: the English is the reason`);
      checked++;
    }
  }
  assert.ok(checked >= 20, `${checked} operations checked`);
});

test('refused names carry message ids: several key problems join into one message, in English exactly as before', () => {
  const check = validateKey('a//b/\u0007', 'pre/', S3_KEY_LIMITS);
  assert.ok(!check.ok);
  assert.deepEqual(check.problems.map((p) => p.why.id), ['keys.emptySegment', 'keys.control']);
  assert.equal(english(problemsMsg(check.problems)), check.problems.map((p) => p.message).join(' '));
  const zh = (m: { id: string; params?: Record<string, unknown> }): string => fill(MESSAGES_ZH[m.id as MessageId], m.params as never, zh as never);
  assert.equal(zh(problemsMsg(check.problems)), '“a//b/\u0007”含有空的路径段（“//”或结尾的“/”）。“a//b/\uFFFD”在第 6 个字符处含有控制字符 U+0007。');
  const [collision] = findCollisions(['Read.md', 'read.md']);
  assert.equal(english(collision!.why), collision!.message);
  assert.match(zh(collision!.why), /^“Read\.md”与 “read\.md” 只有字母大小写不同/);
});
