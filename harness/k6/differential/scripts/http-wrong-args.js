// k6/http: wrong argument types.
import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  try { console.log('get no url', JSON.stringify(http.get().status)); } catch (e) { console.log('get no url threw', String(e)); }
  try { console.log('get number url', JSON.stringify(http.get(42).status)); } catch (e) { console.log('get number url threw', String(e)); }
  try { console.log('bad url', JSON.stringify(http.get('not a url').error)); } catch (e) { console.log('bad url threw', String(e)); }
  try { console.log('bad method', JSON.stringify(http.request('GET', `${__ENV.BASE_URL}/health`, null, { timeout: 'abc' }).status)); } catch (e) { console.log('bad method threw', String(e)); }
}
