import { NUMERAL_CHARS } from './chinese-numerals.js';
import { foldToSimplified } from './traditional-chinese.js';

/** The address inside a record's text, and the notes that were around it. */
export interface FramedAddress {
  readonly text: string;
  /** Words taken out as not part of the address (a bracketed note); never phones or names. */
  readonly notes: readonly string[];
}

/** Labels whose value is the address itself (`地址：`, `收货地址：`). */
const ADDRESS_LABEL = /(地址|住址|住所)$/;
/** Labels whose value is a phone number: the value is digits, so it ends where they do. */
const PHONE_LABEL = /(手机|电话|手机号|手机号码|电话号码|联系方式|TEL|MOBILE)$/i;
/**
 * A field label, in records like `收货人:张三 手机:135… 地址:…`: a label word at the
 * start or after a separator, then a colon or a space. (`地址` glued to the address
 * is a lead word the parser drops.)
 */
const LABEL = /(?<=^|[\s,;，；、])(收货人|收件人|联系人|姓名|名字|户主|租户|房东|身份证号码|身份证号|身份证|邮政编码|邮编|备注|联系方式|手机号码|手机号|手机|移动电话|联系电话|电话号码|电话|固话|TEL|MOBILE|(?:收货|收件|详细|家庭|现|户籍|通讯|居住|联系)?(?:地址|住址|住所))(?:\s*[:：]\s*|\s+)/gi;
/** Whether a text may hold a field label at all (with a colon, or a space, after it). */
const MAY_HOLD_LABEL = /[:：]|(人|名|主|户|东|号|证|码|编|注|式|机|话|TEL|MOBILE|址|所)\s/i;
/** A mainland mobile number (optionally +86), or a landline with its area code; never inside a longer digit run. */
const PHONE = /(?<![\d-])(?:(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}|0\d{2,3}-\d{7,8})(?![\d-])/g;
const SEVEN_DIGITS = /\d{7}|\d{3}[-\s]\d{4}/;
const ANY_BRACKET = /[(（【[]/;
/** A bracketed group: round, full-width or square brackets. */
const BRACKETED = /[(（【[]([^()（）【】[\]]*)[)）】\]]/g;
/** Inside a bracket, something the address reads: a digit, or a numeral before a number marker (三栋). */
const ADDRESS_PART = new RegExp(`\\d|[${NUMERAL_CHARS}](号|栋|幢|座|单元|室|层|楼)`);

/**
 * Takes the address out of a record's text: with labelled fields, the value of
 * the address field (or, without one, the text less every other field's value);
 * phone numbers anywhere; bracketed notes that hold no address part
 * (`（第一中学）`, `（出租）`) — `isAddressPart` decides for a bracket the digits
 * test does not (a known name such as `（秦淮区）` stays). What is taken out is
 * never read as the address: a name, a phone or a school must not become a room.
 */
export function frameAddress(raw: string, isAddressPart: (bracketed: string) => boolean): FramedAddress {
  const notes: string[] = [];
  // Labels are matched in simplified form too (收貨人, 電話).
  let text = foldToSimplified(raw.normalize('NFKC'));
  // Most texts are a bare address: each step is skipped unless its mark is there (a colon, seven digits, a bracket).
  if (MAY_HOLD_LABEL.test(text)) text = withoutOtherFields(text);
  if (SEVEN_DIGITS.test(text)) text = text.replace(PHONE, ' ');
  if (!ANY_BRACKET.test(text)) return { text, notes };
  text = text.replace(BRACKETED, (whole, inside: string) => {
    const content = inside.trim();
    if (content === '' || ADDRESS_PART.test(content) || isAddressPart(content)) return whole;
    notes.push(content);
    return ' ';
  });
  return { text, notes };
}

/** The text without labelled fields other than the address; the address field's value alone when there is one. */
function withoutOtherFields(text: string): string {
  const labels = [...text.matchAll(LABEL)];
  if (labels.length === 0) return text;
  const fields = labels.map((label, i) => ({
    label: label[1],
    value: text.slice(label.index + label[0].length, labels[i + 1]?.index ?? text.length),
  }));
  const addresses = fields.filter((field) => ADDRESS_LABEL.test(field.label));
  if (addresses.length > 0) return addresses.map((field) => field.value).join(' ');
  // No address label: the address is what is outside every field's value.
  const outside = [text.slice(0, labels[0].index)];
  for (const field of fields) outside.push(field.value.replace(PHONE_LABEL.test(field.label) ? /^[\d\s+()（）-]*/ : /^[^\s,，;；、]*/, ''));
  return outside.join(' ');
}

