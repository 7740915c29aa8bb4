/**
 * The demo's districts. Province, city, district and street names and codes are
 * the real ones (GB/T 2260 and the statistical division codes); the roads run
 * through those streets; communities, compounds and buildings are made up.
 */
export interface DistrictSpec {
  province: string;
  city: string;
  name: string;
  /** 6-digit GB/T 2260 code. */
  code: string;
  /** Centre of the district, for coordinates. */
  center: readonly [longitude: number, latitude: number];
  streets: readonly StreetSpec[];
}

export interface StreetSpec {
  /** 9-digit statistical code. */
  code: string;
  name: string;
  communities: readonly string[];
  roads: readonly string[];
}

export const XUANWU: DistrictSpec = {
  province: '江苏省',
  city: '南京市',
  name: '玄武区',
  code: '320102',
  center: [118.797, 32.049],
  streets: [
    { code: '320102002', name: '梅园新村街道', communities: ['大行宫社区', '梅园社区', '长江路社区'], roads: ['长江路', '汉府街', '中山东路'] },
    { code: '320102003', name: '新街口街道', communities: ['同仁社区', '成贤街社区', '估衣廊社区'], roads: ['中山路', '珠江路', '碑亭巷'] },
    { code: '320102005', name: '玄武门街道', communities: ['进香河社区', '台城社区', '网巾市社区'], roads: ['北京东路', '进香河路', '网巾市'] },
    { code: '320102007', name: '锁金村街道', communities: ['锁金新村社区', '板仓社区', '樱铁村社区'], roads: ['龙蟠路', '锁金村路', '板仓街'] },
    { code: '320102008', name: '红山街道', communities: ['和燕路社区', '红山新村社区', '黑墨营社区'], roads: ['和燕路', '红山路', '黑墨营'] },
    { code: '320102009', name: '孝陵卫街道', communities: ['卫岗社区', '钟灵街社区', '孝陵卫社区'], roads: ['孝陵卫街', '中山门大街', '钟灵街'] },
    { code: '320102010', name: '玄武湖街道', communities: ['环湖社区', '黄家圩社区', '新庄社区'], roads: ['玄武大道', '环湖路', '黄家圩'] },
  ],
};

/** A second district, for tests and evaluation: 中山东路 runs through both, as it does in Nanjing. */
export const QINHUAI: DistrictSpec = {
  province: '江苏省',
  city: '南京市',
  name: '秦淮区',
  code: '320104',
  center: [118.795, 32.026],
  streets: [
    { code: '320104003', name: '夫子庙街道', communities: ['夫子庙社区', '钞库街社区'], roads: ['建康路', '平江府路', '贡院街'] },
    { code: '320104004', name: '洪武路街道', communities: ['洪武社区', '户部街社区'], roads: ['洪武路', '中山东路', '户部街'] },
    { code: '320104006', name: '大光路街道', communities: ['大光路社区', '石门坎社区'], roads: ['大光路', '龙蟠中路', '石门坎'] },
    { code: '320104008', name: '瑞金路街道', communities: ['瑞金新村社区', '苜蓿园社区'], roads: ['瑞金路', '中山东路', '苜蓿园大街'] },
  ],
};
