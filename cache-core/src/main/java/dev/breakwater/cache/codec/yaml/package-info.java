/**
 * YAML as the kube-apiserver 1.36.3 writes it: {@code sigs.k8s.io/yaml.JSONToYAML} (v1.6.0) over
 * go.yaml.in/yaml/v2 v2.4.3, ported — the JSON read as yaml.v2 reads it and the value rules of its
 * {@code resolve} and key order ({@code GoYamlValues}, {@code GoTimestamp}), its emitter
 * ({@code YamlEmitter}), one document ({@link dev.breakwater.cache.codec.yaml.JsonToYaml}) or a LIST
 * streamed item by item ({@link dev.breakwater.cache.codec.yaml.YamlListEncoder}). Input yaml.v2
 * cannot read throws {@link dev.breakwater.cache.codec.yaml.YamlConversionException}. Golden vectors
 * come from the Go code itself: {@code src/test/go/yamlvectors}.
 */
package dev.breakwater.cache.codec.yaml;
