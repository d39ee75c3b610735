// k6/http: header values null/undefined/numbers; repeated response headers.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  try { console.log('null header', JSON.stringify(http.get(`${__ENV.BASE_URL}/echo`, { headers: { 'X-Null': null } }).json().headers['x-null'])); } catch (e) { console.log('null header threw', String(e)); }
  try { console.log('undefined header', JSON.stringify(http.get(`${__ENV.BASE_URL}/echo`, { headers: { 'X-Undef': undefined } }).json().headers['x-undef'])); } catch (e) { console.log('undefined header threw', String(e)); }
  try { console.log('number header', JSON.stringify(http.get(`${__ENV.BASE_URL}/echo`, { headers: { 'X-Num': 42 } }).json().headers['x-num'])); } catch (e) { console.log('number header threw', String(e)); }
  try { console.log('headers null', JSON.stringify(http.get(`${__ENV.BASE_URL}/echo`, { headers: null }).status)); } catch (e) { console.log('headers null threw', String(e)); }
}
