// Tests for the Go text/template engine and docker --format conventions.
//
// Expected values in renderCases / errorCases were produced by running the
// same templates through Go's text/template (with docker/cli's template
// functions) on the same data decoded from JSON; the few entries that differ
// on purpose are marked "deviation" below.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TabWriter,
  AlignRight,
  Debug,
  DiscardEmptyColumns,
  TemplateError,
  alignTable,
  compileTemplate,
  formatTableHeader,
  parseFormat,
  renderFormatted,
  sprintf,
  stringWidth,
} from './index.js';

// A `docker inspect`-like document (JSON data: maps, slices, numbers, null).
const container = {
  Id: 'f2a4b1c9d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1',
  Name: '/Web_Frontend',
  Image: 'nginx:1.25-alpine',
  Args: ['-g', 'daemon off;'],
  Names: ['/web', '/frontend'],
  State: { Status: 'running', Running: true, Pid: 4242, ExitCode: 0, Error: '' },
  Config: { Labels: { 'com.example.version': '1.0.3', 'com.example.vendor': 'ACME' }, Env: ['PATH=/usr/bin', 'TZ=UTC'], Cmd: null, Tty: false },
  NetworkSettings: {
    Ports: { '443/tcp': [{ HostIp: '0.0.0.0', HostPort: '8443' }], '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }] },
    Networks: { bridge: { IPAddress: '172.17.0.2' }, backend: { IPAddress: '10.0.0.5' } },
  },
  Mounts: [{ Type: 'volume', Name: 'data', Destination: '/var/lib/data' }],
  RestartCount: 0,
  SizeRw: 1230000,
  CPU: 12.5,
  Items: [],
  Nothing: null,
  Mixed: [1, 'two', null, true],
};

function render(src: string, data: unknown = container): string {
  return compileTemplate(src).execute(data);
}

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TemplateError, `expected TemplateError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

const renderCases: [name: string, template: string, expected: string][] = [
  ["field", "{{.Image}}", "nginx:1.25-alpine"],
  ["nested field", "{{.State.Pid}}", "4242"],
  ["deep chain", "{{.State.Status}}/{{.State.Running}}", "running/true"],
  ["dot prints map sorted", "{{.State}}", "map[Error: ExitCode:0 Pid:4242 Running:true Status:running]"],
  ["dollar", "{{$.Name}}", "/Web_Frontend"],
  ["int prints without exponent", "{{.SizeRw}}", "1230000"],
  ["float prints like %v", "{{.CPU}}", "12.5"],
  ["slice prints space separated", "{{.Names}}", "[/web /frontend]"],
  ["mixed slice with nil", "{{.Mixed}}", "[1 two <nil> true]"],
  ["empty slice", "{{.Items}}", "[]"],
  ["missing key prints <no value>", "{{.Nope}}", "<no value>"],
  ["missing chain prints <no value>", "{{.Nope.Deeper}}", "<no value>"],
  ["null field prints <no value>", "{{.Nothing}}", "<no value>"],
  ["null in slice prints <nil> via printf", "{{printf \"%v\" (index .Mixed 2)}}", "<nil>"],
  ["bool", "{{.State.Running}} {{.Config.Tty}}", "true false"],
  ["string literal escapes", "{{\"a\\tb\\u00e9\\x41\"}}", "a\tbéA"],
  ["raw string", "{{`a\\tb`}}", "a\\tb"],
  ["char constant is an int", "{{'a'}}", "97"],
  ["number literals", "{{1}} {{-3}} {{0x1F}} {{0o17}} {{0b101}} {{1_000}}", "1 -3 31 15 5 1000"],
  ["float literals", "{{1.5}} {{1e6}} {{1.0}} {{.5}} {{1e-7}}", "1.5 1e+06 1 0.5 1e-07"],
  ["bool literals", "{{true}} {{false}}", "true false"],
  ["variable declare", "{{$x := .Image}}{{$x}}", "nginx:1.25-alpine"],
  ["variable assign", "{{$x := 1}}{{$x = 2}}{{$x}}", "2"],
  ["variable assigned in if persists", "{{$x := \"out\"}}{{if true}}{{$x = \"in\"}}{{end}}{{$x}}", "in"],
  ["variable field access", "{{$s := .State}}{{$s.Status}}", "running"],
  ["pipeline into printf", "{{.Image | printf \"%q\"}}", "\"nginx:1.25-alpine\""],
  ["pipeline final arg is last", "{{\"x\" | printf \"%s-%s\" \"y\"}}", "y-x"],
  ["pipeline chain", "{{.Name | lower | printf \"[%s]\"}}", "[/web_frontend]"],
  ["parenthesized pipeline", "{{(len .Names)}}", "2"],
  ["parenthesized field access", "{{(index .Mounts 0).Destination}}", "/var/lib/data"],
  ["if true", "{{if .State.Running}}up{{else}}down{{end}}", "up"],
  ["if false", "{{if .Config.Tty}}tty{{else}}notty{{end}}", "notty"],
  ["else if chain", "{{if .Items}}items{{else if .RestartCount}}restarts{{else if .Names}}names{{end}}", "names"],
  ["truth of empty values", "{{if \"\"}}1{{end}}{{if 0}}2{{end}}{{if .Items}}3{{end}}{{if .Nothing}}4{{end}}{{if .Nope}}5{{end}}{{if .State}}6{{end}}", "6"],
  ["with sets dot", "{{with .State}}{{.Status}}:{{.Pid}}{{end}}", "running:4242"],
  ["with else", "{{with .Nope}}x{{else}}none{{end}}", "none"],
  ["with declares variable", "{{with $st := .State.Status}}{{$st}}{{end}}", "running"],
  ["range slice", "{{range .Names}}[{{.}}]{{end}}", "[/web][/frontend]"],
  ["range index and element", "{{range $i, $e := .Args}}{{$i}}={{$e}};{{end}}", "0=-g;1=daemon off;;"],
  ["range map sorted keys", "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}},{{end}}", "com.example.vendor=ACME,com.example.version=1.0.3,"],
  ["range map values", "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}", "10.0.0.5 172.17.0.2 "],
  ["range else on empty", "{{range .Items}}x{{else}}empty{{end}}", "empty"],
  ["range else on missing", "{{range .Nope}}x{{else}}none{{end}}", "none"],
  ["range break", "{{range .Names}}{{if eq . \"/frontend\"}}{{break}}{{end}}{{.}}{{end}}", "/web"],
  ["range continue", "{{range $i, $e := .Names}}{{if eq $i 0}}{{continue}}{{end}}{{$e}}{{end}}", "/frontend"],
  ["docker ports example", "{{range $p, $conf := .NetworkSettings.Ports}} {{$p}} -> {{(index $conf 0).HostPort}} {{end}}", " 443/tcp -> 8443  80/tcp -> 8080 "],
  ["docker println example", "{{range .NetworkSettings.Networks}}{{println .IPAddress}}{{end}}", "10.0.0.5\n172.17.0.2\n"],
  ["define and template", "{{define \"T\"}}<{{.}}>{{end}}{{template \"T\" .Image}}{{template \"T\" .State.Pid}}", "<nginx:1.25-alpine><4242>"],
  ["template without data", "{{define \"T\"}}[{{.}}]{{end}}{{template \"T\"}}", "[<no value>]"],
  ["block with default body", "{{block \"B\" .Names}}{{len .}}{{end}}", "2"],
  ["trim markers", "a  {{- .Image -}}  b", "anginx:1.25-alpineb"],
  ["trim newlines", "x\n  {{- \"y\" -}}\n  z", "xyz"],
  ["go doc trim example", "{{23 -}} < {{- 45}}", "23<45"],
  ["minus number is not trim", "{{-3}}", "-3"],
  ["comments", "a{{/* a comment */}}b{{- /* trimmed */ -}} c", "abc"],
  ["and or short-circuit", "{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" 3}} {{or 0 false}}", "0 2 3 false"],
  ["and does not evaluate later args", "{{and .Nope (index .Nope 5)}}", "<no value>"],
  ["not", "{{not .Items}} {{not 1}}", "true false"],
  ["len", "{{len .Names}} {{len .Config.Labels}} {{len \"héllo\"}}", "2 2 6"],
  ["index slice and map", "{{index .Names 1}} {{index .Config.Labels \"com.example.version\"}}", "/frontend 1.0.3"],
  ["index nested", "{{index .NetworkSettings.Ports \"80/tcp\" 0 \"HostPort\"}}", "8080"],
  ["index missing map key", "{{index .Config.Labels \"nope\"}}|", "|"],
  ["slice", "{{slice .Image 0 5}} {{slice .Names 1}} {{slice .Args 0 1}}", "nginx [/frontend] [-g]"],
  ["print", "{{print \"a\" 1 2 \"b\" true}}", "a1 2btrue"],
  ["println", "{{println \"a\" 1 2}}", "a 1 2\n"],
  ["eq multi-arg", "{{eq .State.Status \"exited\" \"running\"}} {{eq 1 2}}", "true false"],
  ["ne lt le gt ge", "{{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1 2}}", "true true true true false"],
  ["eq with nil", "{{eq .Nope nil}} {{eq .Image nil}}", "true false"],
  ["html", "{{html \"<a href=\\\"x\\\">Tom & Jerry's</a>\"}}", "&lt;a href=&#34;x&#34;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"],
  ["js", "{{js \"it's <b>=\\\"\\n\"}}", "it\\'s \\u003Cb\\u003E\\u003D\\\"\\u000A"],
  ["urlquery", "{{urlquery \"a b&c=d/é\"}}", "a+b%26c%3Dd%2F%C3%A9"],
  ["html of missing value", "{{html .Nope}}", "&lt;no value&gt;"],
  ["printf %s %d %v", "{{printf \"%s has %d names: %v\" .Image (len .Names) .Names}}", "nginx:1.25-alpine has 2 names: [/web /frontend]"],
  ["printf widths", "{{printf \"[%5s][%-10s][%05d][%-5d][%+d]\" \"ab\" \"cd\" 42 42 42}}", "[   ab][cd        ][00042][42   ][+42]"],
  ["printf floats", "{{printf \"%.2f %f %8.3f %e %g %v\" 3.14159 1.5 2.0 1234.5678 0.00001234 1e21}}", "3.14 1.500000    2.000 1.234568e+03 1.234e-05 1e+21"],
  ["printf float rounding is half-even on exact ties", "{{printf \"%.2f %.0f %.0f %.1f\" 0.125 0.5 1.5 0.25}}", "0.12 0 2 0.2"],
  ["printf %q %x %X %o %b %c %U %t %%", "{{printf \"%q %x %X %o %b %c %U %t %%\" \"hi\" 255 \"hi\" 8 5 65 0x1F600 true}}", "\"hi\" ff 6869 10 101 A U+1F600 true %"],
  ["printf %v of maps and slices", "{{printf \"%v|%+v|%d\" .Config.Labels .Names .Args}}", "map[com.example.vendor:ACME com.example.version:1.0.3]|[/web /frontend]|[%!d(string=-g) %!d(string=daemon off;)]"],
  ["printf %#v", "{{printf \"%#v %#v %#v\" .Names \"s\" 42}}", "[]string{\"/web\", \"/frontend\"} \"s\" 42"],
  ["printf %T", "{{printf \"%T %T %T %T %T %T\" 1 1.5 \"s\" true .Names .State}}", "int float64 string bool []string map[string]interface {}"],
  ["printf star width and precision", "{{printf \"[%*d][%-*d][%.*f]\" 5 1 4 2 2 3.14159}}", "[    1][2   ][3.14]"],
  ["printf argument index", "{{printf \"%[2]s %[1]s\" \"a\" \"b\"}}", "b a"],
  ["printf bad verb", "{{printf \"%d\" \"str\"}}", "%!d(string=str)"],
  ["printf missing arg", "{{printf \"%s %s\" \"a\"}}", "a %!s(MISSING)"],
  ["printf extra arg", "{{printf \"%s\" \"a\" 5}}", "a%!(EXTRA int=5)"],
  ["printf no verb", "{{printf \"%\"}}", "%!(NOVERB)"],
  ["printf nil", "{{printf \"%v %s\" .Nope .Nothing}}", "<nil> %!s(<nil>)"],
  ["docker join", "{{join .Args \" , \"}}", "-g , daemon off;"],
  ["docker json", "{{json .Mounts}}", "[{\"Type\":\"volume\",\"Name\":\"data\",\"Destination\":\"/var/lib/data\"}]"],
  ["docker json string", "{{json .Image}}", "\"nginx:1.25-alpine\""],
  ["docker json null", "{{json .Nope}}", "null"],
  ["docker lower", "{{lower .Name}}", "/web_frontend"],
  ["docker upper", "{{upper .Name}}", "/WEB_FRONTEND"],
  ["docker title", "{{title \"hello wide-world foo_bar\"}}", "Hello Wide-World Foo_bar"],
  ["docker split", "{{split .Image \":\"}}", "[nginx 1.25-alpine]"],
  ["docker split join", "{{split (join .Names \"/\") \"/\"}}", "[ web  frontend]"],
  ["docker pad", "[{{pad .State.Status 2 3}}][{{pad \"\" 2 3}}]", "[  running   ][]"],
  ["docker truncate", "{{truncate .Id 12}} {{truncate \"ab\" 5}}", "f2a4b1c9d8e7 ab"],
  ["docker inspect State.Pid", "{{.State.Pid}}", "4242"],
  ["docker inspect index label", "{{index .Config.Labels \"com.example.version\"}}", "1.0.3"],
  ["docker json of map in declaration order", "{{json .State}}", "{\"Status\":\"running\",\"Running\":true,\"Pid\":4242,\"ExitCode\":0,\"Error\":\"\"}"],
];

const errorCases: [name: string, template: string, message: string, partialOutput?: string][] = [
  ["unexpected } in operand", "{{ .Image } }}", "template: :1: unexpected \"}\" in operand"],
  ["function not defined", "{{foo .Image}}", "template: :1: function \"foo\" not defined"],
  ["unclosed action", "{{.Image", "template: :1: unclosed action"],
  ["bad character", "{{.Image}", "template: :1: bad character U+007D '}'"],
  ["unexpected EOF", "{{if .Image}}x", "template: :1: unexpected EOF"],
  ["unexpected end", "{{end}}", "template: :1: unexpected {{end}}"],
  ["unexpected else", "{{else}}", "template: :1: unexpected {{else}}"],
  ["missing value for if", "{{if}}{{end}}", "template: :1: missing value for if"],
  ["undefined variable", "{{$x}}", "template: :1: undefined variable \"$x\""],
  ["unterminated quoted string", "{{\"abc}}", "template: :1: unterminated quoted string"],
  ["unclosed comment", "{{/* abc", "template: :1: unclosed comment"],
  ["comment ends before closing delimiter", "{{/* c */ .Image}}", "template: :1: comment ends before closing delimiter"],
  ["unclosed left paren", "{{(.Image}}", "template: :1: unclosed left paren"],
  ["unexpected right paren", "{{.Image)}}", "template: :1: unexpected \")\" in command"],
  ["non executable command", "{{.Image | \"x\"}}", "template: :1: non executable command in pipeline stage 2"],
  ["break outside range", "{{break}}", "template: :1: {{break}} outside {{range}}"],
  ["too many declarations", "{{range $a, $b, $c := .Names}}{{end}}", "template: :1: too many declarations in range"],
  ["multiple definition", "{{define \"a\"}}x{{end}}{{define \"a\"}}y{{end}}", "template: :1: template: multiple definition of template \"a\""],
  ["bad number syntax", "{{3k}}", "template: :1: bad number syntax: \"3k\""],
  ["parse error line number", "line1\nline2\n{{.Image", "template: :3: unclosed action"],
  ["multi-line action error", "{{.Image\n| foo}}", "template: :2: function \"foo\" not defined"],
  ["can't evaluate field in type string", "{{.Image.Tag}}", "template: :1:8: executing \"\" at <.Image.Tag>: can't evaluate field Tag in type interface {}"],
  ["nil pointer evaluating interface", "{{.Nothing.Field}}", "template: :1:10: executing \"\" at <.Nothing.Field>: nil pointer evaluating interface {}.Field"],
  ["field of element inside range", "{{range .Mixed}}{{.Field}}{{end}}", "template: :1:18: executing \"\" at <.Field>: can't evaluate field Field in type interface {}"],
  ["wrong type for value", "{{upper .State.Pid}}", "template: :1:14: executing \"\" at <.State.Pid>: wrong type for value; expected string; got int"],
  ["invalid value", "{{lower .Nope}}", "template: :1:8: executing \"\" at <.Nope>: invalid value; expected string"],
  ["wrong number of args", "{{upper \"a\" \"b\"}}", "template: :1:2: executing \"\" at <upper>: wrong number of args for upper: want 1 got 2"],
  ["wrong number of args variadic", "{{len}}", "template: :1:2: executing \"\" at <len>: wrong number of args for len: want 1 got 0"],
  ["expected integer", "{{truncate .Image \"x\"}}", "template: :1:18: executing \"\" at <\"x\">: expected integer; found \"x\""],
  ["index out of range", "{{index .Names 5}}", "template: :1:2: executing \"\" at <index .Names 5>: error calling index: index out of range: 5"],
  ["can't index item", "{{index .State.Pid 1}}", "template: :1:2: executing \"\" at <index .State.Pid 1>: error calling index: can't index item of type int"],
  ["index of untyped nil", "{{index .Nope 1}}", "template: :1:2: executing \"\" at <index .Nope 1>: error calling index: index of untyped nil"],
  ["incompatible types", "{{lt \"a\" 1}}", "template: :1:2: executing \"\" at <lt \"a\" 1>: error calling lt: incompatible types for comparison: string and int"],
  ["missing argument for comparison", "{{eq 1}}", "template: :1:2: executing \"\" at <eq 1>: error calling eq: missing argument for comparison"],
  ["len of type", "{{len .State.Pid}}", "template: :1:2: executing \"\" at <len .State.Pid>: error calling len: len of type int"],
  ["range can't iterate", "{{range .Image}}{{end}}", "template: :1:8: executing \"\" at <.Image>: range can't iterate over nginx:1.25-alpine"],
  ["template not defined", "{{template \"nope\"}}", "template: :1:11: executing \"\" at <{{template \"nope\"}}>: template \"nope\" not defined"],
  ["error position on later line", "a\nbc {{.Image.X}}", "template: :2:11: executing \"\" at <.Image.X>: can't evaluate field X in type interface {}", "a\nbc "],
  ["error inside defined template", "{{define \"t\"}}{{.X.Y}}{{end}}{{template \"t\" .Image}}", "template: :1:18: executing \"t\" at <.X.Y>: can't evaluate field X in type string"],
  ["can't give argument to non-function", "{{.Image \"x\"}}", "template: :1:2: executing \"\" at <.Image>: Image is not a method but has arguments"],
  ["nil is not a command", "{{nil}}", "template: :1:2: executing \"\" at <nil>: nil is not a command"],
  ["not a method but has arguments", "{{.State \"x\"}}", "template: :1:2: executing \"\" at <.State>: State is not a method but has arguments"],
  ["partial output before error", "ok {{.Image}} {{.Image.X}} never", "template: :1:22: executing \"\" at <.Image.X>: can't evaluate field X in type interface {}", "ok nginx:1.25-alpine "],
];

// Deviations from Go kept on purpose:
//  - `json` writes object keys in insertion order (Go sorts map keys; Go
//    structs, which berth's rows stand for, keep declaration order).
//  - comparison errors carry the operand types, as Go >= 1.20 reports them.

for (const [name, src, expected] of renderCases) {
  test(`render: ${name}`, () => {
    assert.equal(render(src), expected);
  });
}

for (const [name, src, message, partial] of errorCases) {
  test(`error: ${name}`, () => {
    const err = errorOf(() => render(src));
    assert.equal(err.message, message);
    if (partial !== undefined) {
      const r = compileTemplate(src).executePartial(container);
      assert.equal(r.output, partial);
      assert.equal(r.error?.message, message);
    }
  });
}

// ---------------------------------------------------------------------------
// Engine behaviour beyond the Go-verified corpus.

test('missingkey=error reports the missing map key', () => {
  const t = compileTemplate('{{.Foo.Bar}}', { missingKey: 'error' });
  // Go positions a field chain at its last element: `.Foo` then `.Bar` (column 6)
  assert.equal(errorOf(() => t.execute({ Foo: {} })).message, 'template: :1:6: executing "" at <.Foo.Bar>: map has no entry for key "Bar"');
  assert.equal(errorOf(() => compileTemplate('{{.Foo}}', { missingKey: 'error' }).execute({})).message, 'template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"');
  assert.equal(t.execute({ Foo: { Bar: 'ok' } }), 'ok');
});

test('missingkey=zero yields the zero value', () => {
  assert.equal(compileTemplate('[{{.Labels.x}}]', { missingKey: 'zero' }).execute({ Labels: { a: 'b' } }), '[]');
  // map[string]interface{}: the zero value is a nil interface, printed as <no value> (as Go does)
  assert.equal(compileTemplate('[{{.x}}]', { missingKey: 'zero' }).execute({ a: 1 }), '[<no value>]');
});

test('else with chains (Go 1.23)', () => {
  const t = compileTemplate('{{with .A}}a={{.}}{{else with .B}}b={{.}}{{else}}none{{end}}');
  assert.equal(t.execute({ A: 1, B: 2 }), 'a=1');
  assert.equal(t.execute({ B: 2 }), 'b=2');
  assert.equal(t.execute({}), 'none');
});

test('range over an integer (Go 1.22)', () => {
  assert.equal(render('{{range 3}}{{.}}{{end}}|{{range $i := 2}}{{$i}}{{end}}|{{range 0}}x{{else}}none{{end}}'), '012|01|none');
});

test('nested break only leaves the inner range', () => {
  assert.equal(render('{{range .}}{{range .}}{{break}}{{end}}{{.}}{{end}}', [[1], [2]]), '[1][2]');
});

test('function-valued property is called like a Go method, with arguments', () => {
  const labels: Record<string, string> = { 'com.example.version': '1.0.3' };
  const row = { ID: 'abc', Label: (k: string) => labels[k] ?? '' };
  assert.equal(render('{{.ID}} {{.Label "com.example.version"}} [{{.Label "nope"}}]', row), 'abc 1.0.3 []');
});

test('class instances behave like Go structs with methods and getters', () => {
  class ContainerContext {
    constructor(private readonly c: { names: string[]; labels: Record<string, string> }) {}
    get Names(): string {
      return this.c.names.map((n) => n.slice(1)).join(',');
    }
    Label(name: string): string {
      return this.c.labels[name] ?? '';
    }
  }
  const ctx = new ContainerContext({ names: ['/web', '/api'], labels: { tier: 'front' } });
  assert.equal(render('{{.Names}} {{.Label "tier"}}', ctx), 'web,api front');
  assert.equal(errorOf(() => render('{{.Nope}}', ctx)).message, 'template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type ContainerContext');
  assert.equal(errorOf(() => render('{{.Label}}', ctx)).message, 'template: :1:2: executing "" at <.Label>: wrong number of args for Label: want 1 got 0');
});

test('errors thrown by methods are reported as "error calling"', () => {
  const row = {
    Boom: () => {
      throw new Error('boom');
    },
  };
  assert.equal(errorOf(() => render('{{.Boom}}', row)).message, 'template: :1:2: executing "" at <.Boom>: error calling Boom: boom');
});

test('call invokes a function value', () => {
  const data = { Add: (a: number, b: number) => a + b };
  assert.equal(render('{{call .Add 2 3}}', data), '5');
  assert.equal(errorOf(() => render('{{call .Nope}}', data)).message, 'template: :1:2: executing "" at <call .Nope>: error calling call: call of nil');
});

test('user functions can be added and override docker functions', () => {
  const t = compileTemplate('{{shout .}} {{upper .}}', { funcs: { shout: (s: string) => s + '!', upper: (s: string) => `<${s}>` } });
  assert.equal(t.execute('hi'), 'hi! <hi>');
  assert.equal(errorOf(() => compileTemplate('{{json .}}', { dockerFuncs: false })).message, 'template: :1: function "json" not defined');
});

test('executeTemplate runs a {{define}}d template', () => {
  const t = compileTemplate('{{define "row"}}{{.ID}}:{{.Image}}{{end}}');
  assert.equal(t.executeTemplate('row', { ID: 'a', Image: 'b' }), 'a:b');
  assert.deepEqual(t.templateNames(), ['', 'row']);
  assert.equal(errorOf(() => t.executeTemplate('nope', {})).message, 'template: no template "nope" associated with template ""');
});

test('float literals are float64, data integers print as integers', () => {
  assert.equal(render('{{1e6}} {{.}} {{printf "%v %T" . .}}', 1000000), '1e+06 1000000 1000000 int');
  assert.equal(render('{{printf "%v %T" 2.5 2.5}}'), '2.5 float64');
});

test('JS numbers compare numerically whether integral or not (deviation: Go rejects int vs float64)', () => {
  assert.equal(render('{{lt .N 3.5}} {{eq .N 3.0}} {{printf "%.2f" .N}}', { N: 3 }), 'true true 3.00');
});

test('recursive templates stop at the depth limit', () => {
  const err = errorOf(() => render('{{define "r"}}{{template "r"}}{{end}}{{template "r"}}'));
  assert.match(err.message, /^template: :1:25: executing "r" at <\{\{template "r"\}\}>: exceeded maximum template depth \(\d+\)$/);
});

test('Map, Date and bigint values', () => {
  const m = new Map<string, number>([
    ['b', 2],
    ['a', 1],
  ]);
  assert.equal(render('{{range $k, $v := .}}{{$k}}={{$v}} {{end}}{{len .}} {{.}}', m), 'a=1 b=2 2 map[a:1 b:2]');
  assert.equal(render('{{.}} {{json .}}', new Date(Date.UTC(2024, 0, 2, 3, 4, 5))), '2024-01-02 03:04:05 +0000 UTC "2024-01-02T03:04:05Z"');
  assert.equal(render('{{.}} {{printf "%x" .}}', 2n ** 64n), '18446744073709551616 10000000000000000');
});

test('docker json: no HTML escaping, Go string escapes, unsupported values give ""', () => {
  assert.equal(render('{{json .}}', { s: '<a>&\u2028', n: [1, 2.5, null], b: false }), '{"s":"<a>&\\u2028","n":[1,2.5,null],"b":false}');
  assert.equal(render('[{{json .}}]', NaN), '[]');
});

test('truncate counts runes (deviation: docker slices bytes)', () => {
  assert.equal(render('{{truncate . 2}}', '日本語テキスト'), '日本');
});

test('sprintf corner cases', () => {
  assert.equal(sprintf('%6.2f|%-6s|%06.1f|%x|%X', [3.14159, 'ab', -2.5, -255, 'hi']), '  3.14|ab    |-002.5|-ff|6869');
  assert.equal(sprintf('%v %v %v', [[1, [2, 3]], { b: { c: null } }, true]), '[1 [2 3]] map[b:map[c:<nil>]] true');
  assert.equal(sprintf('%5.1q|%#q|%+q', ['abcdef', 'raw', 'é']), '  "a"|`raw`|"\\u00e9"');
  assert.equal(sprintf('%[3]d %[1]d %d', [1, 2, 3]), '3 1 2');
});

// ---------------------------------------------------------------------------
// docker --format conventions.

test('parseFormat classifies formats like docker', () => {
  assert.deepEqual(parseFormat(''), { kind: 'default' });
  assert.deepEqual(parseFormat('json'), { kind: 'json', template: '{{json .}}' });
  assert.deepEqual(parseFormat('table'), { kind: 'table' });
  assert.deepEqual(parseFormat('table {{.ID}}\\t{{.Names}}'), { kind: 'table', template: '{{.ID}}\t{{.Names}}' });
  assert.deepEqual(parseFormat('  {{.ID}}\\n  '), { kind: 'template', template: '{{.ID}}\n' });
  assert.deepEqual(parseFormat('{{json .}}'), { kind: 'template', template: '{{json .}}' });
  // only the exact word "json" is the json format; "table" is a prefix match
  assert.deepEqual(parseFormat(' json'), { kind: 'template', template: 'json' });
  assert.deepEqual(parseFormat('tablefoo'), { kind: 'table', template: 'foo' });
});

const psRows = [
  { ID: 'f2a4b1c9d8e7', Names: 'web', Image: 'nginx:1.25', Status: 'Up 2 hours', Ports: '', CreatedAt: '2024-01-02 03:04:05 +0000 UTC' },
  { ID: '0123456789ab', Names: 'db-primary', Image: 'postgres:16', Status: 'Exited (0) 3 minutes ago', Ports: '5432/tcp', CreatedAt: '2024-01-01 00:00:00 +0000 UTC' },
];
const psHeaders = { ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE', Status: 'STATUS', Ports: 'PORTS', CreatedAt: 'CREATED AT' };

test('table: docker ps --format "table {{.ID}}\\t{{.Names}}" layout', () => {
  const out = renderFormatted('table {{.ID}}\\t{{.Names}}', psRows, { headers: psHeaders });
  assert.equal(out, 'CONTAINER ID   NAMES\nf2a4b1c9d8e7   web\n0123456789ab   db-primary\n');
});

test('table: three columns, minimum width 10 and padding 3', () => {
  const out = renderFormatted('table {{.Image}}\t{{.Ports}}\t{{.Names}}', psRows, { headers: psHeaders });
  assert.equal(out, 'IMAGE         PORTS      NAMES\nnginx:1.25               web\npostgres:16   5432/tcp   db-primary\n');
});

test('table: header alone when there are no rows (docker TestContainerContextWriteWithNoContainers)', () => {
  assert.equal(renderFormatted('table {{.Image}}', [], { headers: psHeaders }), 'IMAGE\n');
  assert.equal(renderFormatted('table {{.Image}}\\t{{.Size}}', [], { headers: { Image: 'IMAGE', Size: 'SIZE' } }), 'IMAGE     SIZE\n');
});

test('table: header functions keep column titles intact (docker HeaderFunctions)', () => {
  const rows = [{ Image: 'ubuntu' }, { Image: 'ubuntu' }];
  assert.equal(renderFormatted('table {{split .Image ":"}}', rows, { headers: { Image: 'IMAGE' } }), 'IMAGE\n[ubuntu]\n[ubuntu]\n');
  const special =
    'table {{truncate .ID 5}}\\t{{json .Image}} {{title .Status}}/{{pad .Ports 2 2}}.{{upper .Names}} {{lower .Status}}';
  assert.equal(
    renderFormatted(special, psRows.slice(0, 1), { headers: psHeaders }),
    'CONTAINER ID   IMAGE STATUS/  PORTS  .NAMES STATUS\nf2a4b          "nginx:1.25" Up 2 Hours/.WEB up 2 hours\n',
  );
});

test('table: .Label "key" header is the last dotted segment (docker SubHeaderContext.Label)', () => {
  const rows = [{ ID: 'abc', Label: (k: string) => ({ 'com.example.version': '1.0' })[k] ?? '' }];
  assert.equal(
    renderFormatted('table {{.ID}}\\t{{.Label "com.example.version"}}', rows, { headers: { ID: 'CONTAINER ID' } }),
    'CONTAINER ID   version\nabc            1.0\n',
  );
});

test('table: headers missing from the map are derived from the field name', () => {
  assert.equal(formatTableHeader('{{.CreatedAt}}\t{{.ContainerID}}\t{{.Names}}', { Names: 'NAMES' }), 'CREATED AT\tCONTAINER ID\tNAMES');
  const out = renderFormatted('table {{.CreatedAt}}\\t{{.ID}}', psRows, {});
  assert.equal(out, 'CREATED AT                      ID\n2024-01-02 03:04:05 +0000 UTC   f2a4b1c9d8e7\n2024-01-01 00:00:00 +0000 UTC   0123456789ab\n');
});

test('json format prints one object per line', () => {
  const out = renderFormatted('json', [{ ID: 'a', Ports: [] }, { ID: 'b', Labels: { x: '<y>' } }]);
  assert.equal(out, '{"ID":"a","Ports":[]}\n{"ID":"b","Labels":{"x":"<y>"}}\n');
});

test('custom format prints one line per row; escaped \\t and \\n are expanded', () => {
  assert.equal(renderFormatted('{{.Image}}', psRows), 'nginx:1.25\npostgres:16\n');
  assert.equal(renderFormatted('{{.ID}}\\t{{.Names}}\\n', psRows), 'f2a4b1c9d8e7\tweb\n\n0123456789ab\tdb-primary\n\n');
  assert.equal(renderFormatted('{{.Names}}', []), '');
});

test('default and bare table formats use the command defaults', () => {
  const opts = { headers: psHeaders, defaultFormat: 'table {{.ID}}\t{{.Image}}', defaultTableFormat: 'table {{.Names}}\t{{.Status}}' };
  assert.equal(renderFormatted('', psRows, opts), 'CONTAINER ID   IMAGE\nf2a4b1c9d8e7   nginx:1.25\n0123456789ab   postgres:16\n');
  assert.equal(renderFormatted('table', psRows, opts), 'NAMES        STATUS\nweb          Up 2 hours\ndb-primary   Exited (0) 3 minutes ago\n');
});

test('format errors are reported as docker does ("template parsing error: ...")', () => {
  assert.equal(errorOf(() => renderFormatted('{{.ID', psRows)).message, 'template parsing error: template: :1: unclosed action');
  assert.equal(
    errorOf(() => renderFormatted('table {{.ID}}\\t{{.Names.X}}', psRows, { headers: psHeaders })).message,
    'template parsing error: template: :1:16: executing "" at <.Names.X>: can\'t evaluate field X in type string',
  );
  // an escaped newline inside a quoted string becomes a real one, which Go rejects (as with docker)
  assert.equal(errorOf(() => renderFormatted('{{join .Names "\\n"}}', psRows)).message, 'template parsing error: template: :1: unterminated quoted string');
});

// ---------------------------------------------------------------------------
// tabwriter (outputs cross-checked against Go's text/tabwriter).

test('tabwriter: column blocks are contiguous runs of tab-terminated cells (Go doc example)', () => {
  const tw = new TabWriter({ minwidth: 0, tabwidth: 8, padding: 1, padchar: '.' });
  tw.write('aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n');
  assert.equal(tw.flush(), 'aaaa.bbb.d\naa...b...dd\na....\naa...cccc.eee\n');
});

test('tabwriter: AlignRight, Debug and DiscardEmptyColumns flags', () => {
  const run = (flags: number, text: string): string => new TabWriter({ minwidth: 0, tabwidth: 8, padding: 1, padchar: ' ', flags }).write(text).flush();
  assert.equal(run(AlignRight, 'a\tb\tc\naa\tbbb\tc\n'), '  a   bc\n aa bbbc\n');
  assert.equal(run(Debug, 'a\tb\tc\naa\tbbb\tc\n'), 'a  |b   |c\naa |bbb |c\n');
  assert.equal(run(DiscardEmptyColumns, 'a\t\tc\naa\t\tc\n'), 'a   c\naa  c\n');
});

test('tabwriter: streaming writes give the same result, trailing text without newline is kept', () => {
  const tw = new TabWriter({ minwidth: 10, tabwidth: 1, padding: 3, padchar: ' ' });
  for (const chunk of ['NA', 'ME\tIM', 'AGE\nweb\tng', 'inx\ntail']) tw.write(chunk);
  assert.equal(tw.flush(), 'NAME      IMAGE\nweb       nginx\ntail');
});

test('tabwriter: wide characters count as two columns (go-runewidth)', () => {
  assert.equal(stringWidth('名前'), 4);
  assert.equal(stringWidth('e\u0301'), 1);
  assert.equal(alignTable('名前\tX\nab\tY\n'), '名前      X\nab        Y\n');
});
