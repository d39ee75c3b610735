import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runOnce } from './module-test-helpers';

/*
 * Each script was run with real k6 v0.48 (`k6 run --iterations 1`); the expected lines are what it
 * printed, minus lines whose key order comes from Go maps (attributes(), data() without a key).
 */
const PAGE_SCRIPT = "import { parseHTML } from 'k6/html';\nconst page = `<!DOCTYPE html><html lang=\"en\"><head><title>Test &amp; page</title></head><body>\n<div id=\"main\" class=\"a b\" data-user-id=\"42\" data-flag=\"true\" data-obj='{\"x\":1}'>\n  <p class=\"intro\">Hello <b>world</b>!</p>\n  <ul><li>one</li><li class=\"sel\">two</li><li>three</li></ul>\n  <a href=\"/x?y=1\" id=\"lnk\">link</a>\n  <!-- a comment -->\n</div>\n<form id=\"f\">\n  <input type=\"text\" name=\"user\" value=\"bob\">\n  <input type=\"checkbox\" name=\"c1\" value=\"on1\" checked>\n  <input type=\"checkbox\" name=\"c2\" value=\"on2\">\n  <select name=\"s\"><option value=\"1\">One</option><option value=\"2\" selected>Two</option></select>\n  <select name=\"m\" multiple><option selected>A</option><option selected value=\"b\">B</option></select>\n  <textarea name=\"t\">some text</textarea>\n  <input type=\"submit\" name=\"go\" value=\"Go\">\n  <button name=\"btn\" value=\"bv\">B</button>\n  <input type=\"text\" name=\"dis\" value=\"d\" disabled>\n  <input type=\"text\" value=\"noname\">\n</form></body></html>`;\nexport default function () {\n  const doc = parseHTML(page);\n  const log = (...a) => console.log(a.map((x) => JSON.stringify(x) === undefined ? 'undefined' : JSON.stringify(x)).join(' | '));\n  log('title', doc.find('title').text(), doc.find('head title').html());\n  log('attr', doc.find('#main').attr('class'), doc.find('#main').attr('nope'), doc.find('.none').attr('id'));\n  log('size', doc.find('li').size(), doc.find('.none').size(), doc.find('li').length);\n  log('text', doc.find('p').text(), doc.find('li').text());\n  log('html', doc.find('p').html(), doc.find('.none').html(), doc.find('ul').html());\n  log('eq', doc.find('li').eq(1).text(), doc.find('li').eq(-1).text(), doc.find('li').eq(9).size());\n  log('first/last', doc.find('li').first().text(), doc.find('li').last().text());\n  log('map', doc.find('li').map((i, s) => `${i}:${s.text()}`));\n  const seen = []; doc.find('li').each((i, el) => seen.push([i, el.textContent(), el.nodeName(), typeof el]));\n  log('each', seen);\n  log('children', doc.find('ul').children().size(), doc.find('#main').children('p').size(), doc.find('#main').contents().size());\n  log('data', doc.find('#main').data('userId'), doc.find('#main').data('user-id'), doc.find('#main').data('flag'), doc.find('#main').data('obj'), JSON.stringify(doc.find('#main').data()));\n  log('filter', doc.find('li').filter('.sel').text(), doc.find('li').filter((i, el) => i !== 1).size(), doc.find('li').not('.sel').size());\n  log('is', doc.find('li').is('.sel'), doc.find('li').has('b').size(), doc.find('#main').has('b').size());\n  log('nav', doc.find('.sel').next().text(), doc.find('.sel').prev().text(), doc.find('.sel').nextAll().size(), doc.find('.sel').prevAll().size(), doc.find('.sel').parent().get(0).nodeName(), doc.find('.sel').parents().size(), doc.find('.sel').closest('div').attr('id'));\n  log('slice', doc.find('li').slice(1).size(), doc.find('li').slice(0, 2).text(), doc.find('li').toArray().length, typeof doc.find('li').toArray()[0].text);\n  log('val', doc.find('input[name=user]').val(), doc.find('select[name=s]').val(), doc.find('select[name=m]').val(), doc.find('textarea').val(), doc.find('.none').val());\n  log('serialize', doc.find('#f').serialize());\n  log('serializeArray', doc.find('#f').serializeArray());\n  log('serializeObject', doc.find('#f').serializeObject());\n  const a = doc.find('#lnk').get(0);\n  log('el', a.id(), a.nodeName(), a.nodeType(), a.getAttribute('href'), a.hasAttribute('href'), a.innerHTML(), a.textContent(), a.toString(), a.className(), doc.find('#main').get(0).classList());\n  log('el2', a.href(), a.pathname ? 'has pathname' : 'no pathname', doc.find('#main').get(0).childElementCount(), doc.find('#main').get(0).children().length, doc.find('#main').get(0).childNodes().length);\n  log('el3', doc.find('#main').get(0).querySelector('li').textContent(), doc.find('#main').get(0).querySelectorAll('li').length, doc.find('#main').get(0).firstElementChild().nodeName(), doc.find('ul').get(0).lastElementChild().textContent());\n  log('el4', a.parentNode().id(), a.previousElementSibling().nodeName(), a.matches('#lnk'), doc.find('.none').get(0), doc.find('html').get(0).lang());\n  log('attrs', Object.keys(a.attributes()), a.attributes().href.value, a.getAttributeNode('href').name, a.getAttribute('none'));\n  log('get', doc.find('li').get(5), doc.find('li').get(-1) === undefined);\n  log('input', doc.find('input[name=user]').get(0).value(), doc.find('select[name=s]').get(0).value(), doc.find('textarea').get(0).value());\n  log('doc', doc.text().length > 0, doc.size(), doc.find('body').children().size());\n  log('findNull', parseHTML('').find('p').size(), parseHTML('<p>x</p>').find('p').text());\n}\n";
const PAGE_K6 = [
  "\"title\" | \"Test & page\" | \"Test &amp; page\"",
  "\"attr\" | \"a b\" | undefined | undefined",
  "\"size\" | 3 | 0 | undefined",
  "\"text\" | \"Hello world!\" | \"onetwothree\"",
  "\"html\" | \"Hello <b>world</b>!\" | \"\" | \"<li>one</li><li class=\\\"sel\\\">two</li><li>three</li>\"",
  "\"eq\" | \"two\" | \"three\" | 0",
  "\"first/last\" | \"one\" | \"three\"",
  "\"map\" | [\"0:one\",\"1:two\",\"2:three\"]",
  "\"each\" | [[0,\"one\",\"li\",\"object\"],[1,\"two\",\"li\",\"object\"],[2,\"three\",\"li\",\"object\"]]",
  "\"children\" | 3 | 1 | 9",
  "\"data\" | 42 | 42 | true | {\"x\":1} | \"{\\\"userID\\\":42,\\\"flag\\\":true,\\\"obj\\\":{\\\"x\\\":1}}\"",
  "\"filter\" | \"two\" | 2 | 2",
  "\"is\" | true | 0 | 1",
  "\"nav\" | \"three\" | \"one\" | 1 | 1 | \"ul\" | 4 | \"main\"",
  "\"slice\" | 2 | \"onetwo\" | 3 | \"function\"",
  "\"val\" | \"bob\" | \"2\" | [\"A\",\"b\"] | \"some text\" | undefined",
  "\"serialize\" | \"dis=d&m=A&m=b&s=2&t=some+text&user=bob\"",
  "\"serializeArray\" | [{\"name\":\"user\",\"value\":\"bob\"},{\"name\":\"s\",\"value\":\"2\"},{\"name\":\"m\",\"value\":[\"A\",\"b\"]},{\"name\":\"t\",\"value\":\"some text\"},{\"name\":\"dis\",\"value\":\"d\"}]",
  "\"serializeObject\" | {\"user\":\"bob\",\"s\":\"2\",\"m\":[\"A\",\"b\"],\"t\":\"some text\",\"dis\":\"d\"}",
  "\"el\" | \"lnk\" | \"a\" | 1 | \"/x?y=1\" | true | \"link\" | \"link\" | \"/x?y=1\" | undefined | [\"a\",\"b\"]",
  "\"el2\" | \"/x?y=1\" | \"has pathname\" | 3 | 3 | 9",
  "\"el3\" | \"onetwothree\" | 3 | \"p\" | \"three\"",
  "\"el4\" | \"main\" | \"ul\" | true | undefined | \"en\"",
  "\"get\" | undefined | false",
  "\"input\" | \"bob\" | \"2\" | \"\"",
  "\"doc\" | true | 1 | 2",
  "\"findNull\" | 0 | \"x\""
];
const FORMS_SCRIPT = "import { parseHTML } from 'k6/html';\nexport default function () {\n  const log = (...a) => console.log(a.map((x) => JSON.stringify(x) === undefined ? 'undefined' : JSON.stringify(x)).join(' | '));\n  const doc = parseHTML(`<form><input type=\"checkbox\" name=\"a\" value=\"1\" checked=\"checked\"><input type=\"radio\" name=\"r\" value=\"x\"><input type=\"radio\" name=\"r\" value=\"y\" checked><input type=\"checkbox\" name=\"b\" checked><input name=\"n\" value=\"a b&c/\u00e9\"><input name=\"n\" value=\"2\"><select name=\"e\"><option>first</option><option>second</option></select><input type=\"hidden\" name=\"h\" value=\"hv\"><input type=\"reset\" name=\"rs\" value=\"r\"><input type=\"file\" name=\"fl\"></form><div id=\"d\" data-api-key=\"k\" data-url-path=\"/p\" data-n=\"1.5\" data-s=\"abc\" data-arr=\"[1,2]\"></div><p>a</p><p>b</p>`);\n  log('ser', doc.find('form').serialize());\n  log('arr', doc.find('form').serializeArray());\n  log('obj', doc.find('form').serializeObject());\n  log('data', doc.find('#d').data(), doc.find('#d').data('apiKey'), doc.find('#d').data('n'), doc.find('#d').data('arr'), doc.find('#d').data('none'));\n  log('input-ser', doc.find('input').serialize());\n  log('p', doc.find('p').get(0).toString(), String(doc.find('p')), doc.find('p').html(), doc.find('p').text());\n  log('el-undef', doc.find('p').get(0).getAttribute('x'), doc.find('p').get(0).id(), doc.find('p').get(0).nextSibling().textContent(), doc.find('p').get(0).nextSibling().nodeName());\n  log('eachret', doc.find('p').each(() => false), doc.find('p').filter('nope').size(), doc.find('p').eq(0).is('p'));\n  log('text-node', doc.find('form').contents().size(), parseHTML('<p>x<!--c-->y</p>').find('p').contents().get(1).nodeType(), parseHTML('<p>x<!--c-->y</p>').find('p').contents().get(1).nodeName(), parseHTML('<p>x<!--c-->y</p>').find('p').contents().get(0).nodeName());\n  log('select-val-none', doc.find('select').val(), doc.find('select').get(0).value(), doc.find('select').get(0).selectedIndex(), doc.find('select').get(0).options().length);\n  log('anchor', parseHTML('<a href=\"http://u:p@h.example:81/a/b?q=1#f\">x</a>').find('a').get(0).host(), parseHTML('<a href=\"http://h.example:81/a/b?q=1#f\">x</a>').find('a').get(0).pathname(), parseHTML('<a href=\"http://h.example:81/a/b?q=1#f\">x</a>').find('a').get(0).search(), parseHTML('<a href=\"http://h.example:81/a/b?q=1#f\">x</a>').find('a').get(0).hash(), parseHTML('<a href=\"http://h.example:81/a/b?q=1#f\">x</a>').find('a').get(0).port(), parseHTML('<a href=\"http://h.example:81/a/b?q=1#f\">x</a>').find('a').get(0).protocol(), parseHTML('<a href=\"http://h.example:81/a/b?q=1#f\">x</a>').find('a').get(0).origin(), parseHTML('<a href=\"http://h.example:81/a/b?q=1#f\">x</a>').find('a').get(0).hostname(), parseHTML('<a href=\"/rel\">x</a>').find('a').get(0).host());\n  log('input-el', doc.find('input[name=a]').get(0).checked(), doc.find('input[name=h]').get(0).type(), doc.find('input[name=h]').get(0).name(), doc.find('input[name=b]').get(0).checked(), doc.find('input[name=r]').get(0).checked());\n}\n";
const FORMS_K6 = [
  "\"ser\" | \"a=1&e=&h=hv&n=2\"",
  "\"arr\" | [{\"name\":\"a\",\"value\":\"1\"},{\"name\":\"n\",\"value\":\"a b&c/é\"},{\"name\":\"n\",\"value\":\"2\"},{\"name\":\"e\",\"value\":\"\"},{\"name\":\"h\",\"value\":\"hv\"}]",
  "\"obj\" | {\"a\":\"1\",\"n\":\"2\",\"e\":\"\",\"h\":\"hv\"}",
  "\"input-ser\" | \"a=1&h=hv&n=2\"",
  "\"p\" | \"[object html.Node]\" | \"[object Object]\" | \"a\" | \"ab\"",
  "\"el-undef\" | undefined | \"\" | \"b\" | \"p\"",
  "\"eachret\" | {\"url\":\"\"} | 0 | true",
  "\"text-node\" | 10 | 8 | \"#comment\" | \"#text\"",
  "\"select-val-none\" | \"\" | \"\" | -1 | 2",
  "\"anchor\" | \"h.example:81\" | \"/a/b\" | \"?q=1\" | \"#f\" | \"81\" | \"http\" | \"http://h.example:81\" | \"h.example\" | \"\"",
  "\"input-el\" | true | \"hidden\" | \"h\" | true | false"
];

const noMapOrder = (lines: string[]) => lines.filter((l) => !l.startsWith('"attrs"') && !l.startsWith('"data"'));

describe('k6 modules: k6/html', () => {
  it('Selection and Element API: same output as real k6 v0.48 on a page (find, attr, text, html, eq, each, map, data, nav, val, serialize…)', async () => {
    const { logs } = await runOnce(PAGE_SCRIPT);
    assert.deepEqual(noMapOrder(logs), noMapOrder(PAGE_K6));
  });

  it('forms, data(), anchors, node names and form fields: same output as real k6 v0.48', async () => {
    const { logs } = await runOnce(FORMS_SCRIPT);
    assert.deepEqual(noMapOrder(logs), noMapOrder(FORMS_K6));
  });

  it('async callbacks of each/map/filter are awaited in order', async () => {
    const { logs } = await runOnce(`
      import { parseHTML } from 'k6/html';
      import { sleep } from 'k6';
      export default function () {
        const doc = parseHTML('<ul><li>a</li><li>b</li><li>c</li></ul>');
        const seen = [];
        doc.find('li').each((i, el) => { sleep(0.001); seen.push(el.textContent()); });
        const m = doc.find('li').map((i, s) => { sleep(0.001); return s.text().toUpperCase(); });
        const f = doc.find('li').filter((i, el) => { sleep(0.001); return el.textContent() !== 'b'; });
        console.log(seen.join(), m.join(), f.size(), f.text());
      }`);
    assert.deepEqual(logs, ['a,b,c A,B,C 2 ac']);
  });

  it("Response.html() parses the body, keeps the response URL and narrows with a selector (as real k6 v0.48)", async () => {
    const server = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/html');
      res.end('<html><body><h1>Title</h1><a href="/next">n</a></body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { logs } = await runOnce(`
        import http from 'k6/http';
        export default function () {
          const res = http.get('${base}/page');
          const doc = res.html();
          console.log(doc.find('h1').text(), doc.url === res.url, res.html('a').attr('href'), JSON.stringify(doc));
        }`);
      assert.deepEqual(logs, [`Title true /next {"url":"${base}/page"}`]);
    } finally {
      server.close();
    }
  });
});
