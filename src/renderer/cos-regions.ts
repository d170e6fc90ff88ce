// COS's public regions for the endpoint's region picker (cos.<Region>.myqcloud.com), with their names in
// both languages. A region missing here can still be typed into the endpoint.
import type { Locale } from './i18n.js';

export const COS_REGIONS: [string, string, string][] = [
  ['ap-beijing', 'Beijing', '北京'],
  ['ap-nanjing', 'Nanjing', '南京'],
  ['ap-shanghai', 'Shanghai', '上海'],
  ['ap-guangzhou', 'Guangzhou', '广州'],
  ['ap-chengdu', 'Chengdu', '成都'],
  ['ap-chongqing', 'Chongqing', '重庆'],
  ['ap-hongkong', 'Hong Kong (China)', '中国香港'],
  ['ap-singapore', 'Singapore', '新加坡'],
  ['ap-jakarta', 'Jakarta', '雅加达'],
  ['ap-seoul', 'Seoul', '首尔'],
  ['ap-bangkok', 'Bangkok', '曼谷'],
  ['ap-tokyo', 'Tokyo', '东京'],
  ['na-siliconvalley', 'Silicon Valley (US West)', '硅谷（美西）'],
  ['na-ashburn', 'Virginia (US East)', '弗吉尼亚（美东）'],
  ['sa-saopaulo', 'São Paulo', '圣保罗'],
  ['eu-frankfurt', 'Frankfurt', '法兰克福'],
  ['ap-shenzhen-fsi', 'Shenzhen Finance', '深圳金融'],
  ['ap-shanghai-fsi', 'Shanghai Finance', '上海金融'],
  ['ap-beijing-fsi', 'Beijing Finance', '北京金融'],
];

export const cosRegionLabel = (region: string, name: string, zh: string, locale: Locale) =>
  `${locale === 'zh-CN' ? zh : name} (${region})`;

export const cosEndpoint = (region: string) => `cos.${region}.myqcloud.com`;
