package dev.breakwater.cache.negotiation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.breakwater.cache.negotiation.Negotiation.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The apiserver's negotiation (NegotiateMediaTypeOptions over goautoneg's order) reduced to
 * what the cache serves. Rows marked "verified" were answered by kube-apiserver 1.36.3 with
 * that representation (PartialObjectMetadataE2ETest checks the served ones byte for byte).
 */
class NegotiationTest {

  @ParameterizedTest(name = "[{index}] {0} builtIn={1} watch={2} → {3}")
  @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
      NULL                                                                   | true  | false | JSON
      ''                                                                     | true  | false | JSON
      application/json                                                       | true  | false | JSON
      '*/*'                                                                  | true  | false | JSON
      'application/*'                                                        | true  | false | JSON
      'application/json, */*'                                                | true  | false | JSON
      application/yaml                                                       | true  | false | JSON
      application/yaml                                                       | false | false | JSON
      application/yaml                                                       | true  | true  | OTHER
      'application/yaml, application/json'                                   | true  | true  | OTHER
      application/vnd.kubernetes.protobuf                                    | true  | false | PROTOBUF
      application/vnd.kubernetes.protobuf                                    | false | false | NOT_ACCEPTABLE
      'application/vnd.kubernetes.protobuf, application/json'               | false | false | JSON
      'application/vnd.kubernetes.protobuf, application/json'               | true  | false | PROTOBUF
      'application/json;q=0.5, application/yaml'                             | true  | false | JSON
      'application/yaml;q=0.5, application/json'                             | true  | false | JSON
      'application/yaml;q=0.5, */*'                                          | true  | false | JSON
      'text/html, application/json'                                          | true  | false | JSON
      text/html                                                              | true  | false | NOT_ACCEPTABLE
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'         | true  | false | JSON_PARTIAL_OBJECT_METADATA
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1beta1'    | false | false | JSON_PARTIAL_OBJECT_METADATA
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'     | true  | false | JSON_PARTIAL_OBJECT_METADATA_LIST
      'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json' | false | false | PROTOBUF_PARTIAL_OBJECT_METADATA_LIST
      'application/vnd.kubernetes.protobuf;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' | true | true | PROTOBUF_PARTIAL_OBJECT_METADATA
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io'              | true  | false | NOT_ACCEPTABLE
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v2,application/json' | true | false | JSON
      'application/json;as=Table;g=meta.k8s.io;v=v1,application/json'        | true  | false | TABLE
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' | false | true | TABLE
      'application/json;as=Table;v=v1beta1;g=meta.k8s.io'                    | true  | false | TABLE
      'application/yaml;as=Table;v=v1;g=meta.k8s.io,application/json'        | true  | false | OTHER
      'application/json;as=Table;v=v2;g=meta.k8s.io,application/json'        | true  | false | JSON
      'application/json;as=Table;v=v1;g=meta.k8s.io;stream=watch'            | true  | false | OTHER
      'application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1,application/json' | true | false | JSON
      'application/json;as=Foo;g=meta.k8s.io;v=v1'                           | true  | false | NOT_ACCEPTABLE
      'application/vnd.kubernetes.protobuf;as=Table;g=meta.k8s.io;v=v1'     | true  | false | NOT_ACCEPTABLE
      'application/yaml;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'         | true  | false | JSON_PARTIAL_OBJECT_METADATA
      'application/yaml;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'     | false | false | JSON_PARTIAL_OBJECT_METADATA_LIST
      'application/yaml;as=PartialObjectMetadata;g=meta.k8s.io;v=v1'         | true  | true  | OTHER
      'application/yaml;sv=v1'                                               | true  | false | OTHER
      'application/json;stream=watch'                                        | true  | true  | JSON
      'application/json;stream=watch'                                        | true  | false | OTHER
      'application/yaml;stream=watch, application/json'                      | true  | true  | JSON
      'application/json;sv=v2, application/json'                             | true  | false | JSON
      'application/json;foo=bar'                                             | true  | false | JSON
      'application/json;q=1e0'                                               | true  | false | OTHER
      """)
  void negotiates(String accept, boolean builtIn, boolean watch, Kind expected) {
    assertThat(Negotiation.negotiate(accept, builtIn, watch).kind()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0} → yaml {1}")
  @CsvSource(delimiter = '|', textBlock = """
      application/yaml                                                       | true
      'application/yaml;pretty=1'                                            | true
      'application/json;q=0.5, application/yaml'                             | true
      'application/yaml;q=0.5, application/json'                             | false
      'application/yaml;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'     | true
      'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1'     | false
      '*/*'                                                                  | false
      """)
  void yaml(String accept, boolean yaml) {
    var rep = Negotiation.negotiate(accept, true, false);
    assertThat(rep.yaml()).isEqualTo(yaml);
    assertThat(rep.prettyParam()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      'application/json;pretty=1'                                            | true
      'application/json;pretty=true'                                         | false
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1;pretty=1' | true
      """)
  void prettyMediaTypeParameter(String accept, boolean pretty) {
    assertThat(Negotiation.negotiate(accept, true, false).prettyParam()).isEqualTo(pretty);
  }

  @ParameterizedTest(name = "[{index}] {0} {1} → {2}")
  @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
      NULL                                                    | list  | true
      text/html                                               | list  | false
      'text/html, application/json;as=Table'                  | list  | true
      'application/*'                                         | list  | false
      'Application/JSON'                                      | get   | false
      '*/*;q=0'                                               | get   | true
      ' application/yaml ;q=0.1'                              | watch | true
      'application/json;stream=watch'                         | get   | true
      'text/plain, application/vnd.kubernetes.protobuf'       | get   | true
      """)
  void routeAcceptsAsGoRestfulDoes(String accept, String verb, boolean expected) {
    assertThat(Negotiation.routeAccepts(accept, verb)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0} pretty={1} → {2}")
  @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
      NULL                                                                   | false | JSON
      NULL                                                                   | true  | PRETTY_JSON
      application/json                                                       | false | JSON
      'application/json;pretty=1'                                            | false | PRETTY_JSON
      application/vnd.kubernetes.protobuf                                    | true  | PROTOBUF
      application/yaml                                                       | false | YAML
      text/html                                                              | false | RAW_JSON
      'application/json;as=Table;v=v1;g=meta.k8s.io'                         | false | RAW_JSON
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json' | false | JSON
      'application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json' | false | JSON
      'application/yaml;stream=watch, application/vnd.kubernetes.protobuf;stream=watch' | false | PROTOBUF
      'application/json;sv=v1'                                               | false | RAW_JSON
      'application/*'                                                        | false | JSON
      'application/yaml;q=0.5, application/json;q=0.9'                       | false | JSON
      'application/yaml;pretty=1'                                            | true  | YAML
      'application/json;q=1e0'                                               | false | UNMODELLED
      """)
  void errorsAreNegotiatedWithTheDefaultRestrictions(String accept, boolean prettyRequest, Negotiation.ErrorEncoding expected) {
    assertThat(Negotiation.errorEncoding(accept, prettyRequest)).isEqualTo(expected);
  }
}
