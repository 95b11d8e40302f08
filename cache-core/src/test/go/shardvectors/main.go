// Command shardvectors writes golden vectors for Breakwater's shard selector
// (cache-core dev.breakwater.cache.selector.ShardSelector), computed by the apiserver's own code
// (k8s.io/apiserver@v0.36.3/pkg/sharding.Parse over cel-go, k8s.io/apimachinery@v0.36.3/pkg/sharding).
// Each line is a JSON record: {"hash":value,"hex":HashField(value)} for the FNV-1a vectors, or
// {"selector":s,"canonical":Selector.String()} / {"selector":s,"error":err} for the parser, or
// {"selector":s,"uid":u,"matches":bool} for matching.
//
// It needs the apiserver's module graph: run it inside the fixture module, offline, from a scratch copy
// (e2e/fixture itself is left unchanged):
//
//	mkdir e2e/fixture/cmd/zz-shardvectors && cp cache-core/src/test/go/shardvectors/main.go e2e/fixture/cmd/zz-shardvectors/
//	(cd e2e/fixture && GOFLAGS=-mod=readonly GOPROXY=off go run ./cmd/zz-shardvectors) > cache-core/src/test/resources/shard/vectors.jsonl
//	rm -r e2e/fixture/cmd/zz-shardvectors
package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	apisharding "k8s.io/apimachinery/pkg/sharding"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apiserver/pkg/sharding"
)

type record struct {
	Hash      *string `json:"hash,omitempty"`
	Hex       string  `json:"hex,omitempty"`
	Selector  *string `json:"selector,omitempty"`
	Canonical string  `json:"canonical,omitempty"`
	Error     string  `json:"error,omitempty"`
	UID       *string `json:"uid,omitempty"`
	Namespace *string `json:"namespace,omitempty"`
	Matches   *bool   `json:"matches,omitempty"`
}

var out = json.NewEncoder(os.Stdout)

func hash(v string) {
	out.Encode(record{Hash: &v, Hex: apisharding.HashField(v)})
}

func parse(s string) {
	sel, err := sharding.Parse(s)
	r := record{Selector: &s}
	if err != nil {
		r.Error = err.Error()
	} else {
		r.Canonical = sel.String()
	}
	out.Encode(r)
}

func match(s, uid, ns string) {
	sel, err := sharding.Parse(s)
	if err != nil {
		panic(err)
	}
	m, err := sel.Matches(&metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{UID: types.UID(uid), Namespace: ns}})
	if err != nil {
		panic(err)
	}
	out.Encode(record{Selector: &s, UID: &uid, Namespace: &ns, Matches: &m})
}

const u0 = "0x0000000000000000"
const u8 = "0x8000000000000000"
const max = "0x10000000000000000"

func rng(key, a, b string) string { return fmt.Sprintf("shardRange(%s, '%s', '%s')", key, a, b) }

func main() {
	r := rand.New(rand.NewSource(5866))
	for _, v := range []string{"", "a", "default", "kube-system", "b2b1c0f5-7c5e-4a51-9f62-0c1f3a9d7e21", "é", "日本", "\x00", strings.Repeat("x", 300)} {
		hash(v)
	}
	for i := 0; i < 200; i++ {
		hash(fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", r.Uint32(), r.Intn(1<<16), r.Intn(1<<16), r.Intn(1<<16), r.Int63n(1<<48)))
	}
	valid := []string{
		rng("object.metadata.uid", u0, u8),
		rng("object.metadata.uid", u8, max),
		rng("object.metadata.namespace", u0, max),
		"shardRange(object.metadata.uid,'0x0000000000000000','0x8000000000000000')",
		"  shardRange(object.metadata.uid, \"0x0000000000000000\", \"0x8000000000000000\")\n",
		"(shardRange(object.metadata.uid, '0x0000000000000000', '0x4000000000000000')) || ((shardRange(object.metadata.uid, '0xc000000000000000', '0x10000000000000000')))",
		rng("object.metadata.uid", u0, "0x5555555555555555") + " || " + rng("object.metadata.uid", "0x5555555555555555", "0xaaaaaaaaaaaaaaaa") + " || " + rng("object.metadata.uid", "0xaaaaaaaaaaaaaaaa", max),
		"shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') // first half",
		"shardRange( object . metadata . uid , '0x0000000000000000' , '0x0000000000000001' )",
		"\u00a0shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')\u3000",
		rng("object.metadata.uid", "0x8000000000000000", u8+"1"),
	}
	for _, s := range valid {
		parse(s)
	}
	invalid := []string{
		" ", "\t\n",
		rng("object.metadata.name", u0, u8),
		rng("metadata.uid", u0, u8),
		rng("object.metadata.namespace", u0, u8) + " || " + rng("object.metadata.uid", u8, max),
		rng("object.metadata.uid", u8, u0),
		rng("object.metadata.uid", u8, u8),
		rng("object.metadata.uid", "0x0", u8),
		rng("object.metadata.uid", "0", u8),
		rng("object.metadata.uid", "0x", u8),
		rng("object.metadata.uid", "0x00000000000000000", u8),
		rng("object.metadata.uid", "0x000000000000000000", u8),
		rng("object.metadata.uid", "0x00000000000000000000", u8),
		rng("object.metadata.uid", "0x000000000000000G", u8),
		rng("object.metadata.uid", "0x000000000000000A", u8),
		rng("object.metadata.uid", u0, "0x1000000000000000F"),
		rng("object.metadata.uid", u0, "0x20000000000000000"),
		rng("object.metadata.uid", u0, "0xffffffffffffffff\""),
		rng("object.metadata.uid", max, max),
		"shardRange(object.metadata.uid, '0x0000000000000000')",
		"shardRange()",
		"shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000', 'x')",
		"foo(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
		"has(object.metadata.uid)",
		"object.metadata.uid",
		"object",
		"'0x0000000000000000'",
		"shardRange('object.metadata.uid', '0x0000000000000000', '0x8000000000000000')",
		"shardRange(object.metadata.uid, object.a, '0x8000000000000000')",
		"shardRange(object.metadata.uid, '0x0000000000000000', shardRange(a, b, c))",
		"shardRange(shardRange(a, b, c), '0x0000000000000000', '0x8000000000000000')",
		"shardRange(a || b, '0x0000000000000000', '0x8000000000000000')",
		"shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') || object",
		"shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') || foo()",
		"shardRange(object.metadata.namespace, '0x0000000000000000', '0x8000000000000000') || shardRange(object.metadata.namespace, '0x8', '0x9')",
		"shardRange(object.metadata.in, '0x0000000000000000', '0x8000000000000000')",
		"shardRange(object.metadata.as, '0x0000000000000000', '0x8000000000000000')",
		// CEL syntax errors and forms outside Breakwater's subset: Breakwater passes these upstream.
		"shardRange(",
		"shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000'",
		"shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') &&",
		"shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000') | x",
		"shardRange(object.metadata.uid, r'0x0000000000000000', '0x8000000000000000')",
		"shardRange(object.metadata.uid, '\\x30x0000000000000000', '0x8000000000000000')",
		"shardRange(object.metadata.uid, 0, '0x8000000000000000')",
		"object.shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
		"namespace(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
		"shardRange(.object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
		"shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000',)",
		"shardRange(object[\"metadata\"].uid, '0x0000000000000000', '0x8000000000000000')",
		"!shardRange(object.metadata.uid, '0x0000000000000000', '0x8000000000000000')",
		"shardRange(object.metadata.uid, '0x0000000000000000', 'é')",
	}
	for _, s := range invalid {
		parse(s)
	}
	sels := []string{
		rng("object.metadata.uid", u0, "0x5555555555555555"),
		rng("object.metadata.uid", "0x5555555555555555", "0xaaaaaaaaaaaaaaaa") + " || " + rng("object.metadata.uid", "0xaaaaaaaaaaaaaaaa", max),
		rng("object.metadata.namespace", u0, u8),
		rng("object.metadata.namespace", u8, max),
	}
	for i := 0; i < 100; i++ {
		uid := fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", r.Uint32(), r.Intn(1<<16), r.Intn(1<<16), r.Intn(1<<16), r.Int63n(1<<48))
		ns := []string{"", "default", "kube-system", fmt.Sprintf("ns-%d", i)}[i%4]
		match(sels[i%len(sels)], uid, ns)
	}
}
