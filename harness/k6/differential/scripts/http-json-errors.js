// k6/http: Response.json() errors on malformed bodies (Go's encoding/json texts, line and character).
import http from 'k6/http';
export const options = { iterations: 1 };
const bodies = ['slow', '', '{', '{"a":1,}', '[1,2', '{"a" 1}', 'tru', 'trux', '01', '{"a":"\u0001"}', '"\\x"', '"\\u12g4"', '1.x', '1e+', '-', '-x', '[1 2]', '{"a":1 "b"}', '{,}', '\u00e9', '{\n"a":\nx}', "'a'", '{"k": "\u00e9\u00e9", x}', 'nul', 'fals', '[1,]', '[tru', '1.', '1e', '"\\', '"\\u12', '"abc', '["a",'];
export default function () {
  for (const b of bodies) {
    const r = http.get(`${__ENV.BASE_URL}/raw?body=${encodeURIComponent(b)}`);
    try {
      console.log(JSON.stringify(b), 'parsed', JSON.stringify(r.json()));
    } catch (e) {
      console.log(JSON.stringify(b), 'threw', String(e));
    }
  }
}
