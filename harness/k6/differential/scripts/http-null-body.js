// k6/http: null and undefined bodies and params.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const u = `${__ENV.BASE_URL}/echo`;
  try { console.log('post null', JSON.stringify(http.post(u, null).json().body)); } catch (e) { console.log('post null threw', String(e)); }
  try { console.log('post undefined', JSON.stringify(http.post(u, undefined).json().body)); } catch (e) { console.log('post undefined threw', String(e)); }
  try { console.log('post no body', JSON.stringify(http.post(u).json().body)); } catch (e) { console.log('post no body threw', String(e)); }
  try { console.log('get null params', JSON.stringify(http.get(u, null).status)); } catch (e) { console.log('get null params threw', String(e)); }
  try { console.log('get undefined params', JSON.stringify(http.get(u, undefined).status)); } catch (e) { console.log('get undefined params threw', String(e)); }
  try { console.log('post null params', JSON.stringify(http.post(u, 'b', null).json().body)); } catch (e) { console.log('post null params threw', String(e)); }
  try { console.log('request null body', JSON.stringify(http.request('POST', u, null, null).status)); } catch (e) { console.log('request null body threw', String(e)); }
}
