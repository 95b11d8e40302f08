// Command yamlvectors writes golden vectors for Breakwater's JSON→YAML converter
// (cache-core dev.breakwater.cache.codec.yaml.JsonToYaml): each line is a JSON record
// {"name":…,"json":…,"yaml":…} or {"name":…,"json":…,"error":…}, where yaml/error are what
// sigs.k8s.io/yaml.JSONToYAML (the kube-apiserver's YAML serializer, with the go.yaml.in/yaml/v2
// the fixture pins) returns for the json. Inputs are json.Marshal outputs, as the apiserver's.
//
// Run offline from the module cache:
//
//	GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off go run . > ../../resources/yaml/vectors.jsonl
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

type record struct {
	Name  string `json:"name"`
	JSON  string `json:"json"`
	YAML  string `json:"yaml,omitempty"`
	Error string `json:"error,omitempty"`
}

var out = json.NewEncoder(os.Stdout)

func emitRaw(name string, in []byte) {
	y, err := yaml.JSONToYAML(in)
	r := record{Name: name, JSON: string(in)}
	if err != nil {
		r.Error = err.Error()
	} else {
		r.YAML = string(y)
	}
	if e := out.Encode(r); e != nil {
		panic(e)
	}
}

func emit(name string, v interface{}) {
	in, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	emitRaw(name, in)
}

// tricky strings: each becomes a value, a key and a list element.
var tricky = []string{
	"", " ", "  ", "a", "plain text", "multi\nline", "multi\nline\n", "multi\nline\n\n", "\n", "\n\n", "\nleading break",
	"trailing space ", " leading space", "  two leading", "space \nbreak", "break\n space", "a: b", "a:b", "a :b", ":", ": ", "::",
	"-", "- ", "-a", "--", "---", "--- x", "...", "?", "? x", "?x", "#", "# c", "a #b", "a#b", ",", "[", "]", "{", "}", "{}", "[]",
	"&a", "*a", "!tag", "|", ">", "'", "\"", "'quoted'", "\"dq\"", "it's", "say \"hi\"", "%", "@", "`", "back\\slash",
	"yes", "Yes", "YES", "no", "No", "NO", "y", "Y", "n", "N", "on", "On", "ON", "off", "Off", "OFF", "true", "True", "TRUE",
	"false", "False", "FALSE", "null", "Null", "NULL", "~", "<<", "=", ".", "..", ".5", ".5e3", "._5", ".inf", ".Inf", ".INF",
	"-.inf", "+.inf", ".nan", ".NaN", "nan", "inf", "Infinity", "-Infinity", "NaN",
	"1", "-1", "+1", "0", "-0", "00", "012", "08", "0o17", "0O17", "0x1F", "0X1f", "0xZZ", "0b101", "-0b101", "0b102", "1_000",
	"1__0", "_1", "1e3", "1E3", "1e+3", "1e-3", "1.", "1.5", "-1.5", "+1.5", "1.5e300", "1e400", "-1e400", "1e-400", "1.e5",
	"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
	"18446744073709551616", "1:20", "1:20:30", "-1:20", "1:60", "1:2_0", "190:20:30.15", "1:20.5", "12:", "2024-01-02",
	"2024-1-2", "2024-13-01", "2024-02-30", "2024-02-29", "2023-02-29", "2024-01-02T03:04:05Z", "2024-01-02t03:04:05Z",
	"2024-01-02T03:04:05.123456789Z", "2024-01-02T03:04:05.1234567891Z", "2024-01-02T03:04:05+01:00",
	"2024-01-02T03:04:05-0100", "2024-01-02T03:04:05+25:00", "2024-01-02T03:04:05+01:61", "2024-01-02 03:04:05",
	"2024-01-02  03:04:05", "2024-01-02 03:04:05.5", "2024-01-02T24:00:00Z", "2024-01-02T23:60:00Z", "2024-01-02T23:59:60Z",
	"2024-01-02T3:4:5Z", "2024-01-02T03:04:05,5Z", "2024-01-02T03:04:05.Z", "2024-01-02T03:04Z", "20240-01-02", "0000-01-01",
	"2024-01-02x", "1.2.3", "1-2", "v1", "tab\there", "\ttab", "cr\rhere", "crlf\r\n", "nul\x00", "bell\x07", "esc\x1b",
	"unit\x1f", "del\x7f", "c1\u0080", "nel\u0085", "nbsp\u00a0", "ls\u2028", "ps\u2029", "bom\ufeff", "\ufeffbom",
	"fffe\ufffe", "ffff\uffff", "é", "日本語", "emoji 😀", "😀", "\U0010FFFF", "private\ue000", "\uf000", "\ufffd",
	"<html>&amp;", "a\u2028b c", "x\n\ny", "x\n y", "x \ny", "\tx\n", "a\nb\u0085", "line\nwith\ttab",
	strings.Repeat("a", 81), strings.Repeat("a", 200), strings.Repeat("word ", 30), strings.Repeat("word ", 30) + "end",
	strings.Repeat("w ", 60), strings.Repeat("longword", 12) + " " + strings.Repeat("x", 10),
	"the quick brown fox jumps over the lazy dog and keeps running until the line is long enough to fold",
	"spaces  inside  a  long  string  that  goes  on  and  on  past  the  eighty  column  limit  of  yaml",
	strings.Repeat("é", 90) + " " + strings.Repeat("日", 10), "tab\t" + strings.Repeat("word ", 25),
	"quote\" " + strings.Repeat("word ", 25), strings.Repeat("x", 79) + " y z", strings.Repeat("x", 80) + " y z",
	"first line\n" + strings.Repeat("word ", 30) + "\nlast", strings.Repeat("line\n", 5), "  indented\n  block\n",
	"\n\nleading breaks", "trailing breaks\n\n\n", "trailing spaces on line  \nnext", "ls\u2028" + strings.Repeat("w ", 50),
	"a" + strings.Repeat(" ", 100) + "b", "# not a comment\nsecond", "- item\n- item", "key: value\nother: value",
	"a: " + strings.Repeat("b ", 50), strings.Repeat("a", 128), strings.Repeat("a", 129), strings.Repeat("é", 65),
	"multi\nline key", "\"quoted\" and " + strings.Repeat("long ", 20), "esc\x1b " + strings.Repeat("long ", 20),
	"emoji 😀 " + strings.Repeat("long ", 20), strings.Repeat("ab ", 40) + " double  space", strings.Repeat("z", 78) + "  yy",
}

func main() {
	for i, s := range tricky {
		emit(fmt.Sprintf("value-%d", i), map[string]interface{}{"v": s})
		emit(fmt.Sprintf("key-%d", i), map[string]interface{}{s: "v"})
		emit(fmt.Sprintf("list-%d", i), map[string]interface{}{"l": []interface{}{s, map[string]interface{}{"k": s}}})
		emit(fmt.Sprintf("nested-%d", i), map[string]interface{}{"a": map[string]interface{}{"b": []interface{}{[]interface{}{s}}}})
	}
	// numbers as the apiserver writes them (int64 and float64 through encoding/json)
	nums := []interface{}{0, 1, -1, int64(math.MaxInt64), int64(math.MinInt64), uint64(math.MaxUint64), 0.5, -0.5, 1.0, 1.5,
		100.0, 1e6, 1.5e6, 1e20, 1e21, 1.234e21, 1e-6, 1e-7, 1.5e-7, 123456789.125, 0.1, 0.2, 1.0 / 3, math.MaxFloat64,
		math.SmallestNonzeroFloat64, -math.MaxFloat64, 2.5e-308, 4.35e-320, 1.2345678901234567e19, 1.2345678901234567e25,
		math.Copysign(0, -1), 3.0e10, 12345678.0, 0.000123, 1e100, 9007199254740993.0, 5e-324, 1e23, 8.41e21, 2e-5}
	for i, n := range nums {
		emit(fmt.Sprintf("number-%d", i), map[string]interface{}{"n": n, "l": []interface{}{n}})
	}
	raws := map[string]string{
		"raw-numbers":      `{"a":1.0,"b":-0,"c":1e400,"d":-1e400,"e":1E3,"f":12345678901234567890,"g":123456789012345678901234567890,"h":-9223372036854775809,"i":1e-400,"j":0.0,"k":-0.0,"l":1.5E+2}`,
		"raw-escapes":      `{"a":"\u003c\u003e\u0026","b":"\ud83d\ude00","c":"\/","d":"\b\f\n\r\t","e":"\u2028\u2029","f":"\u0000"}`,
		"raw-lone-high":    `{"a":"\ud800"}`,
		"raw-lone-low":     `{"a":"\udc00x"}`,
		"raw-del":          "{\"a\":\"x\x7fy\"}",
		"raw-c1":           "{\"a\":\"x\u0080y\"}",
		"raw-nel":          "{\"a\":\"x\u0085y\"}",
		"raw-fffe":         "{\"a\":\"x\ufffey\"}",
		"raw-key-1022":     `{"` + strings.Repeat("k", 1022) + `":"v"}`,
		"raw-key-1023":     `{"` + strings.Repeat("k", 1023) + `":"v"}`,
		"raw-key-esc":      `{"` + strings.Repeat("k", 1016) + `\u003c":"v"}`,
		"raw-key-utf8":     `{"` + strings.Repeat("é", 1023) + `":"v"}`,
		"raw-value-long":   `{"k":"` + strings.Repeat("v", 3000) + `"}`,
		"raw-empty":        `{}`,
		"raw-nested-empty": `{"a":{},"b":[],"c":[{}],"d":[[]],"e":{"f":{}},"g":null,"h":[null],"i":{"j":[]},"k":[[],{}]}`,
		"raw-dup":          `{"a":1,"a":2}`,
		"raw-bools":        `{"t":true,"f":false,"l":[true,false,null]}`,
		"raw-merge":        `{"<<":{"a":1},"b":2}`,
		"raw-sort":         `{"a10":1,"a9":2,"a09":3,"a010":4,"b":5,"B":6,"_":7,"-":8,"1":9,"10":10,"2":11,"a":12,"A1":13,"é":14,"ä":15,"z":16,"a-1":17,"a1":19,"a01":20,"a001":21,"x0y":22,"x00y":23}`,
		// keyList.Less is not transitive for keys like "10" < "1a" < "2" < "10": Go's order then depends on map
		// iteration (random), so such sets are left out.
		"raw-deep":       strings.Repeat(`{"a":`, 50) + `1` + strings.Repeat(`}`, 50),
		"raw-seq-of-seq": `{"a":[[1,2],[3,[4,5]],[]]}`,
	}
	names := make([]string, 0, len(raws))
	for name := range raws {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		emitRaw(name, []byte(raws[name]))
	}
	// a larger random corpus
	rnd := rand.New(rand.NewSource(17))
	for i := 0; i < 3000; i++ {
		emit(fmt.Sprintf("random-%d", i), randomMap(rnd, 0))
	}
}

var pieces = []string{"a", "b", "Z", " ", " ", "  ", "\n", "\n", ":", ": ", "#", " #", "-", "- ", "?", "'", "\"", "\\", "\t",
	"é", "日", "😀", "\u2028", "\u0085", "\u00a0", "\x1b", "\x00", "\ufeff", "yes", "no", "null", "~", "true", "1", "0", "012",
	"0x1F", "1e3", ".5", "1:20", "2024-01-02", "T03:04:05Z", "word ", "longerword ", "{", "}", "[", "]", ",", "&", "*", "!",
	"|", ">", "%", "@", "`", "<", ">", "&amp;", "9", "_"}

func randomString(rnd *rand.Rand) string {
	var b strings.Builder
	n := rnd.Intn(8)
	if rnd.Intn(6) == 0 {
		n = 20 + rnd.Intn(60)
	}
	for j := 0; j < n; j++ {
		b.WriteString(pieces[rnd.Intn(len(pieces))])
	}
	return b.String()
}

func randomValue(rnd *rand.Rand, depth int) interface{} {
	k := rnd.Intn(10)
	if depth > 3 && k >= 7 {
		k = rnd.Intn(7)
	}
	switch k {
	case 0, 1, 2:
		return randomString(rnd)
	case 3:
		return rnd.Int63n(1<<40) - 1<<39
	case 4:
		switch rnd.Intn(4) {
		case 0:
			return rnd.Float64() * math.Pow(10, float64(rnd.Intn(60)-30))
		case 1:
			return float64(rnd.Intn(2000)) / 8
		case 2:
			return math.Float64frombits(rnd.Uint64()&^(0x7ff<<52) | uint64(rnd.Intn(2046)+1)<<52)
		default:
			return -rnd.Float64()
		}
	case 5:
		if rnd.Intn(2) == 0 {
			return nil
		}
		return rnd.Intn(2) == 0
	case 6:
		return []interface{}{}
	case 7, 8:
		return randomMap(rnd, depth+1)
	default:
		n := rnd.Intn(4)
		l := make([]interface{}, n)
		for j := range l {
			l[j] = randomValue(rnd, depth+1)
		}
		return l
	}
}

func randomMap(rnd *rand.Rand, depth int) map[string]interface{} {
	n := rnd.Intn(5)
	m := make(map[string]interface{}, n)
	for j := 0; j < n; j++ {
		var key string
		switch rnd.Intn(4) {
		case 0:
			key = randomString(rnd)
			if rnd.Intn(4) != 0 {
				key = strings.ReplaceAll(key, "\u0085", "")
			}
		case 1:
			key = fmt.Sprintf("k%d", rnd.Intn(200))
		default:
			key = []string{"apiVersion", "kind", "metadata", "spec", "status", "items", "a1", "a10", "a2", "A", "_x", "-y", "0", "10", "9"}[rnd.Intn(15)]
		}
		m[key] = randomValue(rnd, depth)
	}
	return m
}
