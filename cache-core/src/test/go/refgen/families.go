package main

// Generated families: seeded random inputs built from each parser's own alphabet (the tokens that
// matter to it, plus spaces, escapes and non-ASCII), answered by the real Go code. The Java fuzz
// tests (cache-core/src/test/java/dev/breakwater/cache/fuzz) replay every row. The seed is fixed,
// so the file only changes when this code does.

import (
	"context"
	"encoding/base64"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/authentication/authenticator"
	"k8s.io/apiserver/pkg/authentication/request/bearertoken"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/apiserver/pkg/storage"
)

var rng = rand.New(rand.NewPCG(14, 2026))

// pick joins 1..max random tokens from alphabet.
func pick(alphabet []string, max int) string {
	n := 1 + rng.IntN(max)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

func validRow(row map[string]any) bool {
	for _, v := range row {
		if s, ok := v.(string); ok && !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

func requestInfoFamily() []map[string]any {
	factory := request.RequestInfoFactory{APIPrefixes: sets.NewString("api", "apis"), GrouplessAPIPrefixes: sets.NewString("api")}
	segments := []string{"api", "apis", "v1", "apps", "namespaces", "ns1", "watch", "proxy", "configmaps", "pods", "cm1",
		"status", "finalize", "log", "", "é", ".", "..", "a b", "%2F"}
	methods := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "get", "CONNECT"}
	queries := []string{"", "watch=true", "watch=1", "watch=false", "watch=0", "watch=FALSE", "watch=", "watch", "watch=yes",
		"limit=abc&watch=true", "limit=abc&watch=False", "limit=abc&watch=fal%C5%BFe", "watch=fal%C5%BFe", "watch=0&watch=1",
		"fieldSelector=metadata.name%3Dcm1", "fieldSelector=metadata.name%3D%3Dcm1", "fieldSelector=metadata.name%3DBad_Name",
		"fieldSelector=metadata.name%3D..", "fieldSelector=metadata.name%3Da%2Fb", "fieldSelector=metadata.name%3Dcm1,metadata.namespace%3Dx",
		"fieldSelector=metadata.name%21%3Dcm1", "fieldSelector=metadata.name%3Dcm1&limit=abc", "fieldSelector=%3D", "fieldSelector=metadata.name%3D",
		"watch=1&fieldSelector=metadata.name%3Dcm1", "labelSelector=a%3Db", "fieldSelector=metadata.name%3Dcm1&watch=1&limit=-1",
		"fieldSelector=metadata.name%3Dcm1&timeoutSeconds=x", "fieldSelector=metadata.name%3D%25"}
	var rows []map[string]any
	for len(rows) < 1000 {
		var parts []string
		if rng.IntN(4) > 0 {
			parts = append(parts, []string{"api", "apis"}[rng.IntN(2)])
		}
		n := rng.IntN(8)
		for i := 0; i < n; i++ {
			parts = append(parts, segments[rng.IntN(len(segments))])
		}
		path := strings.Join(parts, "/")
		switch rng.IntN(5) {
		case 0:
			path = "/" + path + "/"
		case 1:
			path = "//" + path
		default:
			path = "/" + path
		}
		method := methods[rng.IntN(len(methods))]
		query := queries[rng.IntN(len(queries))]
		req := &http.Request{Method: method, URL: &url.URL{Path: path, RawQuery: query}}
		info, err := factory.NewRequestInfo(req)
		row := map[string]any{"method": method, "path": path, "query": query}
		if err != nil {
			row["err"] = err.Error()
		} else {
			row["resource_request"] = info.IsResourceRequest
			row["verb"] = info.Verb
			row["api_prefix"] = info.APIPrefix
			row["group"] = info.APIGroup
			row["version"] = info.APIVersion
			row["namespace"] = info.Namespace
			row["resource"] = info.Resource
			row["name"] = info.Name
			row["subresource"] = info.Subresource
		}
		if validRow(row) {
			rows = append(rows, row)
		}
	}
	return rows
}

func labelFamily() []map[string]any {
	alphabet := []string{"a", "b", "x", "a.b/c", "example.com/", "-", "_", ".", "1", "01", "-1", "=", "==", "!=", "!", " ", ",",
		"(", ")", " in ", " notin ", "in", "<", ">", "é", "\t", "\"", "'", "\\", "/", "\x00", strings.Repeat("k", 64)}
	var rows []map[string]any
	for len(rows) < 700 {
		s := pick(alphabet, 10)
		sel, err := labels.Parse(s)
		row := map[string]any{"in": s}
		if err != nil {
			row["err"] = err.Error()
		} else {
			row["string"] = sel.String()
			row["empty"] = sel.Empty()
			var m []bool
			for _, ls := range labelSets {
				m = append(m, sel.Matches(labels.Set(ls)))
			}
			row["matches"] = m
		}
		if validRow(row) {
			rows = append(rows, row)
		}
	}
	return rows
}

func fieldFamily() []map[string]any {
	alphabet := []string{"a", "b", "metadata.name", "c", "=", "==", "!=", "!", "\\", "\\=", "\\,", "\\\\", ",", " ", "é", "x",
		"<", ">", "(", ")", "\x00", "\U0001F600"}
	var rows []map[string]any
	for len(rows) < 900 {
		s := pick(alphabet, 10)
		sel, err := fields.ParseSelector(s)
		row := map[string]any{"in": s}
		if err != nil {
			row["err"] = err.Error()
		} else {
			row["string"] = sel.String()
			row["empty"] = sel.Empty()
			var m []bool
			for _, fs := range fieldSets {
				m = append(m, sel.Matches(fields.Set(fs)))
			}
			row["matches"] = m
		}
		if validRow(row) {
			rows = append(rows, row)
		}
	}
	return rows
}

func queryFamily() []map[string]any {
	alphabet := []string{"a", "b", "limit", "=", "&", ";", "%", "%2", "%zz", "%41", "%3D", "%26", "%2B", "+", " ", "é", "%C3",
		"%A9", "%C3%A9", "%FF", "%00", "&&", "=="}
	var rows []map[string]any
	for len(rows) < 1000 {
		q := pick(alphabet, 12)
		v, _ := url.ParseQuery(q)
		// Go's map order is random: record the keys sorted by the Java side, values in order.
		vals := map[string][]string{}
		ok := true
		for k, vs := range v {
			if !utf8.ValidString(k) {
				ok = false
			}
			for _, x := range vs {
				if !utf8.ValidString(x) {
					ok = false
				}
			}
			vals[k] = vs
		}
		if ok {
			rows = append(rows, map[string]any{"in": q, "values": vals})
		}
	}
	return rows
}

func strconvFamily() []map[string]any {
	intAlphabet := []string{"0", "1", "9", "+", "-", "_", "0x", "e", " ", "9223372036854775807", "9223372036854775808",
		"18446744073709551616", "é", "١"}
	durAlphabet := []string{"0", "1", "5", ".", "-", "+", "s", "ms", "us", "µs", "μs", "ns", "m", "h", "d", " ", "e",
		"9223372036854775807", "99999999999", "x", "é"}
	var rows []map[string]any
	for len(rows) < 800 {
		s := pick(intAlphabet, 6)
		n, err := strconv.ParseInt(s, 10, 64)
		row := map[string]any{"fn": "ParseInt", "in": s}
		if err != nil {
			row["err"] = err.Error()
		} else {
			row["value"] = strconv.FormatInt(n, 10)
		}
		rows = append(rows, row)
	}
	for len(rows) < 1600 {
		s := pick(durAlphabet, 6)
		d, err := time.ParseDuration(s)
		row := map[string]any{"fn": "ParseDuration", "in": s}
		if err != nil {
			row["err"] = err.Error()
		} else {
			row["value"] = strconv.FormatInt(int64(d), 10)
		}
		if validRow(row) {
			rows = append(rows, row)
		}
	}
	return rows
}

func continueFamily() []map[string]any {
	pieces := []string{`{`, `}`, `"v":`, `"meta.k8s.io/v1"`, `"meta.k8s.io/v2"`, `,`, `"rv":`, `5`, `-1`, `0`, `1e3`, `"5"`,
		`"start":`, `"c2\u0000"`, `"/c2\u0000"`, `"../x"`, `"/"`, `""`, `"a/../../b"`, `"é"`, `null`, `[]`, ` `, `9223372036854775808`}
	prefixes := []string{"/registry/configmaps/", "/registry/configmaps/ns1/"}
	var rows []map[string]any
	for len(rows) < 600 {
		js := pick(pieces, 12)
		if rng.IntN(3) == 0 {
			js = `{"v":"meta.k8s.io/v1","rv":` + []string{"5", "0", "-1", "12", "1.5"}[rng.IntN(5)] + `,"start":"` +
				pick([]string{"a", "/", "..", ".", "\\u0000", "é", "b/c"}, 5) + `"}`
		}
		var token string
		switch rng.IntN(4) {
		case 0:
			token = base64.RawURLEncoding.EncodeToString([]byte(js))
		case 1:
			token = base64.URLEncoding.EncodeToString([]byte(js))
		case 2:
			token = base64.StdEncoding.EncodeToString([]byte(js))
		default:
			token = pick([]string{"e", "y", "J", "2", "=", "-", "_", "+", "/", "!", " "}, 16)
		}
		prefix := prefixes[rng.IntN(len(prefixes))]
		key, rv, err := storage.DecodeContinue(token, prefix)
		row := map[string]any{"in": token, "prefix": prefix}
		if err != nil {
			row["err"] = err.Error()
		} else {
			row["key"] = b64(key)
			row["rv"] = rv
		}
		if validRow(row) {
			rows = append(rows, row)
		}
	}
	return rows
}

func bearerFamily() []map[string]any {
	alphabet := []string{"Bearer", "bearer", "BEARER", "Basic", " ", "  ", "\t", "tok", "a.b.c", "=", "é", "\u00a0", "\r", "x"}
	var rows []map[string]any
	for len(rows) < 800 {
		h := pick(alphabet, 6)
		var seen string
		a := bearertoken.New(authenticator.TokenFunc(func(ctx context.Context, token string) (*authenticator.Response, bool, error) {
			seen = token
			return &authenticator.Response{User: &user.DefaultInfo{Name: "u"}}, true, nil
		}))
		req := &http.Request{Header: http.Header{}}
		req.Header.Set("Authorization", h)
		_, ok, _ := a.AuthenticateRequest(req)
		row := map[string]any{"in": h}
		if ok {
			row["token"] = seen
		}
		rows = append(rows, row)
	}
	return rows
}

func familyCases() {
	write("family-requestinfo.jsonl", requestInfoFamily())
	write("family-labels.jsonl", labelFamily())
	write("family-fields.jsonl", fieldFamily())
	write("family-query.jsonl", queryFamily())
	write("family-strconv.jsonl", strconvFamily())
	write("family-continue.jsonl", continueFamily())
	write("family-bearer.jsonl", bearerFamily())
}
