// Command jsonpathvectors writes golden vectors for Breakwater's port of client-go's util/jsonpath
// as the CRD table convertor uses it (cache-core dev.breakwater.cache.table.JsonPath and
// CustomResourceTableConvertor): for each (jsonPath, column type, object) it builds the
// apiextensions-apiserver v0.36.3 convertor (tableconvertor.New with one column) and converts the
// object with it, as the apiserver does for a Table. The first line is {"objects":{name:json}};
// then one record a line:
//
//	{"path":…,"type":…,"object":…,"parseError":true}   New refused the column (its header is dropped)
//	{"path":…,"type":…,"object":…,"cells":[…],"stateful":b}
//
// cells are the distinct JSON values the column's cell took over 200 conversions, each with a new
// convertor (Go ranges maps in random order: `*` and `..` over a map with several keys can give
// several cells); stateful is true when second conversions with the same convertor give other
// cells than first ones (range/end: FindResults keeps state across calls). A date cell that is a duration is
// written "<since>" (it depends on now).
//
// Objects are decoded as the apiserver decodes stored custom resources: JSON with sorted keys
// (json.Marshal of the map) through unstructured.UnmarshalJSON (int64 or float64 numbers).
//
// Run offline from the module cache:
//
//	GOFLAGS=-mod=mod GOPROXY=off GOSUMDB=off go run . > ../../resources/jsonpath/vectors.jsonl
package main

import (
	"context"
	"encoding/json"
	"os"
	"sort"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresource/tableconvertor"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apiserver/pkg/registry/rest"
)

var objects = map[string]string{
	"w": `{"apiVersion":"x.dev/v1","kind":"W",
	 "metadata":{"name":"w1","labels":{"app.kubernetes.io/name":"wid","tier":"web"},"annotations":{"a.b/c":"d"}},
	 "spec":{"size":3,"ratio":1.5,"whole":2.0,"big":9223372036854775807,"neg":-4,"on":true,"off":false,"str":"hello",
	  "uni":"h\u00e9llo\ud83d\ude00","empty":"","obj":{"b":1,"a":"<x>"},"one":{"only":"v"},"list":["x","y",3],
	  "nums":[3,1,2],"flags":[false,true],"strs":["\ud83d\ude00","\uffff","a"],"nul":null,"emptyList":[],"emptyObj":{},
	  "nested":{"name":"inner","deep":{"name":"deeper"}},"ts":"2026-01-02T03:04:05Z","badTs":"2026-01-02 03:04:05",
	  "mixed":[1,"1",1.5,true,null,{"k":"v"},[1]],"tiny":1e-7,"huge":1e21},
	 "status":{"conditions":[{"type":"Other","status":"False","n":1},{"type":"Ready","status":"True","n":2,"reason":"ok"},
	  {"type":"Ready","status":"Again","n":3.5}],"replicas":2,"items":[{"name":"a","v":1},{"name":"b","v":2}]}}`,
	"bare": `{"apiVersion":"x.dev/v1","kind":"W","metadata":{"name":"b1"}}`,
	"many": `{"apiVersion":"x.dev/v1","kind":"W","metadata":{"name":"m1"},
	 "spec":{"a":"1","b":"2","c":"3","d":"4","e":"5","f":"6","g":"7","h":"8","i":"9","j":"10"}}`,
}

var paths = []string{
	// fields and escapes
	".spec.size", ".spec.ratio", ".spec.whole", ".spec.big", ".spec.neg", ".spec.on", ".spec.off", ".spec.str", ".spec.uni",
	".spec.empty", ".spec.obj", ".spec.list", ".spec.nul", ".spec.missing", ".spec.str.deeper", ".spec.emptyList", ".spec.emptyObj",
	".spec.mixed", ".spec.tiny", ".spec.huge", ".spec.ts", ".spec.badTs", ".spec", ".metadata.labels",
	`.metadata.labels.app\.kubernetes\.io/name`, `.metadata.annotations.a\.b/c`, `.spec.s\tr`, `.spec.s\\tr`,
	".", "..", "...", ".spec.", ".spec .size", ".spec. size", ".spec\t.size", ".spec\n.size", ".spec\r.size",
	// indexes and slices
	".spec.list[0]", ".spec.list[-1]", ".spec.list[1:]", ".spec.list[*]", ".spec.list[:2]", ".spec.list[::2]",
	".spec.list[0:3:2]", ".spec.list[5]", ".spec.list[-5]", ".spec.list[2:1]", ".spec.list[1:1]", ".spec.list[0:0]",
	".spec.list[]", ".spec.list[::0]", ".spec.list[-1:]", ".spec.list[:-1]", ".spec.list[-3:-1]", ".spec.list[0:5]",
	".spec.list[1:3:0]", ".spec.list[a]", ".spec.list[1:2:3:4]", ".spec.list[ 1 ]", ".spec.list[9999999999999999999]",
	".spec.list[-]", ".spec.list[:]", ".spec.list[-0]", ".spec.emptyList[0]", ".spec.emptyList[*]", ".spec.emptyList[0:0]",
	".spec.str[0]", ".spec.nul[0]", ".spec.obj[*]", ".spec.obj[0]", ".spec.list[0", ".spec.list[0]]", ".spec.mixed[4]",
	".spec.mixed[5]", ".spec.mixed[6]", ".spec.mixed[5].k", ".spec.list[0].x", ".spec.list[*].x",
	// wildcards
	".spec.one.*", ".spec.obj.*", ".metadata.labels.*", ".spec.*", ".spec.str.*", ".spec.uni.*", ".spec.nul.*",
	".spec.emptyObj.*", ".spec.list.*", ".spec.size.*", ".spec.*a", ".spec.mixed.*", ".status.items.*.name",
	".status.items[*].name", ".spec.many.*",
	// recursive descent
	"..name", "..deep.name", "..deep", "..nested.name", "..size", "..replicas", "..[0]", "..*", "...size", "....size",
	".status..name", ".spec.nested..name", "..type", "..status", "..v", "..ts", "..only", "..missing",
	`..conditions[?(@.type=="Ready")].status`, `..[?(@.type=="Ready")]`, "..[*]", ".spec.str..x", ".spec.nul..x",
	".spec.emptyObj..x", ".spec..only", "..a", "..j",
	// unions
	".spec['size','ratio']", ".spec['ratio','size']", ".spec.list[0,2]", ".spec.list[2,0]", ".spec.list[0, 2]",
	".spec.list[0,9]", ".spec[size,ratio]", ".spec['missing','size']", ".spec.list[0:1,2]", ".spec.list[*,0]",
	".spec.list[,]", ".spec.list[0,]", `.spec["size","ratio"]`, ".metadata.labels['tier','app.kubernetes.io/name']",
	".spec['obj','size'].a", ".spec.list[?(@=='y'),0]",
	// dict keys
	".metadata.labels['app.kubernetes.io/name']", ".metadata.labels['tier']", `.spec["size"]`, ".spec['size']",
	".spec['']", ".spec['a b']", ".spec['nested'].name", ".spec['nested']['name']",
	// filters
	`.status.conditions[?(@.type=="Ready")].status`, `.status.conditions[?(@.type!="Ready")].status`,
	`.status.conditions[?(@.status)].type`, `.status.conditions[?(@.reason)].type`, `.status.conditions[?(@.n>1)].type`,
	`.status.conditions[?(@.n>1.0)].type`, `.status.conditions[?(@.type=='Ready')].status`,
	`.status.conditions[?(@.type == "Ready")].status`, `.status.conditions[?(@.type<"P")].type`,
	`.status.conditions[?(@.type=~"x")].type`, `.status.conditions[?(@.status==@.type)].type`,
	`.status.conditions[?(@.type==Ready)].type`, `.status.conditions[?(@.n==1)].type`, `.status.items[?(@.v==2)].name`,
	`.status.items[?(@.v>=2)].name`, `.status.items[?(@.v<2.5)].name`, `.spec.size[?(@)]`, `.status.items[?(@.name)]`,
	`.status.items[?(@.missing)]`, `.status.items[?(@.v==true)]`, `.spec.list[?(@=="y")]`, `.spec.nums[?(@>1)]`,
	`.spec.nums[?(@<=1)]`, `.spec.nums[?(@!=3)]`, `.spec.flags[?(@==true)]`, `.spec.flags[?(@<true)]`,
	`.spec.strs[?(@>"` + "\ue000" + `")]`, `.spec.strs[?(@<"b")]`, `.spec.nul[?(@)]`, `.spec.obj[?(@)]`,
	`.spec.mixed[?(@==1)]`, `.spec.mixed[?(@=="1")]`, `.spec.mixed[?(@.k)]`, `.spec.mixed[?(@.k=="v")]`,
	`.status.items[?(@.v==1)]`, `.status.items[?(@.v==+1)].name`, `.status.items[?(@.v==-1)].name`,
	`.status.items[?(@.v>1.)].name`, `.status.items[?(@.name>"a")].v`, `.status.items[?(@.name=="a"`,
	`.status.items[?(@.name=="a")`, `.status.items[?(@.name=="a)]`, `.status.items[?(@.name==a")]`,
	`.status.items[?(@.name=="a\")"`, `.status.items[?(@.name=="a\"")]`, `.status.items[?(@.name=='a')].v`,
	`.status.items[?(@.name==)]`, `.status.items[?(==1)]`, `.status.items[?(@.v=1)].name`, `.status.items[?(@.v===1)].name`,
	`.status.items[?(@.v<>1)].name`, `.status.items[?(@.v==1.5.5)].name`, `.status.items[?(@.v==true)].name`,
	`.spec.flags[?(@==false)]`, `.status.items[?(@.v>=1)].v`, `.status.items[?(@.v>0)][0]`, `.status.conditions[?(@.n)].n`,
	`.status.items[?(@..name)]`, `.status.items[?(@[0])]`, `.status.items[?(@.*)]`, `.status.items[?(@.name==@.v)]`,
	`.status.items[?(@.v==@.w)].name`, `.status.items[?(@.name=="b")].v`,
	// several template nodes, text, literals, identifiers
	".spec.size}{.spec.ratio", ".spec.missing}{.spec.size", ".spec.size}{.spec.list[9]", ".spec.size} x {.spec.ratio",
	".spec.size}", ".spec.size{", `.spec.size"x"`, ".spec.size 7", ".spec.size 7.5", ".spec.size true", ".spec.size false",
	".spec.missing 7", `.spec.missing "x"`, `.spec.size 'x'`, `.spec.size "a\"b"`, `.spec.size "a\u00e9b"`, `.spec.size "\q"`,
	".spec.size +7", ".spec.size -7", ".spec.size 99999999999999999999", ".spec.size 1.2.3", ".spec.size -", ".spec.size .5",
	".spec.size @", ".spec.size $", ".spec.size $.spec.ratio", ".spec.x}{end", ".spec}{range .status.items[*]}{.name}{end",
	".status.replicas}{range .status.items[*]}{.name}{end", ".status.replicas}{range .status.items[*]}{.name",
	".spec.size}{range .spec.emptyList[*]}{.x}{end", ".spec}{foo", ".spec true", ".spec.size}{", ".spec.size}}",
	".spec.size}{{", ".spec.size}{}", ".spec.size} {.spec.ratio} ", ".spec.size #", ".spec.size é",
	".status.items[?(@.name==range)]", ".spec.size range", ".spec.size end", ".spec.size}{.spec.size}{end",
}

var types = []string{"string", "integer", "number", "boolean", "date"}

type record struct {
	Path       string            `json:"path"`
	Type       string            `json:"type"`
	Object     string            `json:"object"`
	ParseError bool              `json:"parseError,omitempty"`
	Cells      []json.RawMessage `json:"cells,omitempty"`
	Stateful   bool              `json:"stateful,omitempty"`
}

func decode(name string) *unstructured.Unstructured {
	var m map[string]interface{}
	if err := utiljson.Unmarshal([]byte(objects[name]), &m); err != nil {
		panic(err)
	}
	sorted, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(sorted); err != nil {
		panic(err)
	}
	return u
}

func main() {
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	objs := map[string]json.RawMessage{}
	for name := range objects {
		b, _ := json.Marshal(decode(name).Object)
		objs[name] = b
	}
	if err := out.Encode(map[string]interface{}{"objects": objs}); err != nil {
		panic(err)
	}
	names := make([]string, 0, len(objects))
	for name := range objects {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, obj := range names {
		u := decode(obj)
		for _, p := range paths {
			for _, t := range types {
				r := record{Path: p, Type: t, Object: obj}
				cols := []apiextensionsv1.CustomResourceColumnDefinition{{Name: "c", Type: t, JSONPath: p}}
				conv, err := tableconvertor.New(cols)
				if err != nil {
					r.ParseError = true
				} else {
					seen, again := map[string]bool{}, map[string]bool{}
					for i := 0; i < 200; i++ {
						conv, _ = tableconvertor.New(cols)
						seen[convert(conv, u, t)] = true
						again[convert(conv, u, t)] = true
					}
					for k := range again {
						if !seen[k] {
							r.Stateful = true
						}
					}
					for k := range seen {
						if !again[k] {
							r.Stateful = true
						}
					}
					keys := make([]string, 0, len(seen))
					for k := range seen {
						keys = append(keys, k)
					}
					sort.Strings(keys)
					for _, k := range keys {
						r.Cells = append(r.Cells, json.RawMessage(k))
					}
				}
				if err := out.Encode(r); err != nil {
					panic(err)
				}
			}
		}
	}
}

func convert(conv rest.TableConvertor, u *unstructured.Unstructured, t string) string {
	table, err := conv.ConvertToTable(context.Background(), u, &metav1.TableOptions{})
	if err != nil {
		panic(err)
	}
	c := table.Rows[0].Cells[1]
	if s, ok := c.(string); ok && t == "date" && s != "<invalid>" && s != "<unknown>" {
		c = "<since>"
	}
	b, err := json.Marshal(c)
	if err != nil {
		panic(err)
	}
	return string(b)
}
