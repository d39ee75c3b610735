// k6/encoding: b64encode/b64decode in the four encodings, on ASCII and unicode text.
import encoding from 'k6/encoding';
export const options = { iterations: 1 };
export default function () {
  for (const enc of ['std', 'rawstd', 'url', 'rawurl']) {
    for (const s of ['hi', 'hello k6', '\u00e9t\u00e9 \u2713', '\u{1F600}?>', '']) {
      const e = encoding.b64encode(s, enc);
      console.log(enc, JSON.stringify(s), e, encoding.b64decode(e, enc, 's') === s);
    }
  }
}
