package dev.breakwater.cache.request;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cases from requestinfo_test.go (k8s.io/apiserver), plus the watch forms Breakwater routes on. */
class RequestInfoTest {

  @ParameterizedTest(name = "{0} {1}?{2}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // method | path | query | resource? | verb | group | version | namespace | resource | name | subresource
      "GET | /api/v1/namespaces | - | true | list | '' | v1 | '' | namespaces | '' | ''",
      "GET | /api/v1/namespaces/other | - | true | get | '' | v1 | other | namespaces | other | ''",
      "GET | /api/v1/namespaces/other/pods | - | true | list | '' | v1 | other | pods | '' | ''",
      "GET | /api/v1/namespaces/other/pods/foo | - | true | get | '' | v1 | other | pods | foo | ''",
      "HEAD | /api/v1/namespaces/other/pods/foo | - | true | get | '' | v1 | other | pods | foo | ''",
      "GET | /api/v1/pods | - | true | list | '' | v1 | '' | pods | '' | ''",
      "GET | /api/v1/namespaces/other/pods | watch=true | true | watch | '' | v1 | other | pods | '' | ''",
      "GET | /api/v1/namespaces/other/pods | watch=1&limit=5 | true | watch | '' | v1 | other | pods | '' | ''",
      "GET | /api/v1/namespaces/other/pods | watch=false | true | list | '' | v1 | other | pods | '' | ''",
      "GET | /api/v1/namespaces/other/pods | watch=0 | true | list | '' | v1 | other | pods | '' | ''",
      "GET | /api/v1/namespaces/other/pods/foo | watch=1 | true | get | '' | v1 | other | pods | foo | ''",
      "GET | /api/v1/watch/pods | - | true | watch | '' | v1 | '' | pods | '' | ''",
      "GET | /api/v1/watch/namespaces/other/pods | - | true | watch | '' | v1 | other | pods | '' | ''",
      "GET | /api/v1/watch/namespaces/other/pods/foo | - | true | watch | '' | v1 | other | pods | foo | ''",
      "GET | /apis/apps/v1/namespaces/other/deployments | - | true | list | apps | v1 | other | deployments | '' | ''",
      "GET | /apis/apps/v1/deployments | - | true | list | apps | v1 | '' | deployments | '' | ''",
      "GET | /apis/apps/v1/namespaces/other/deployments/d/status | - | true | get | apps | v1 | other | deployments | d | status",
      "GET | /api/v1/namespaces/other/pods/foo/log | follow=true | true | get | '' | v1 | other | pods | foo | log",
      "POST | /api/v1/namespaces/other/pods/foo/exec | - | true | create | '' | v1 | other | pods | foo | exec",
      "GET | /api/v1/namespaces/other/status | - | true | get | '' | v1 | other | namespaces | other | status",
      "PUT | /api/v1/namespaces/other/finalize | - | true | update | '' | v1 | other | namespaces | other | finalize",
      "POST | /api/v1/namespaces/other/pods | - | true | create | '' | v1 | other | pods | '' | ''",
      "DELETE | /api/v1/namespaces/other/pods | - | true | deletecollection | '' | v1 | other | pods | '' | ''",
      "DELETE | /api/v1/namespaces/other/pods/foo | - | true | delete | '' | v1 | other | pods | foo | ''",
      "PATCH | /api/v1/namespaces/other/pods/foo | - | true | patch | '' | v1 | other | pods | foo | ''",
      "GET | /api/v1/proxy/namespaces/other/pods/foo/a/b | - | true | proxy | '' | v1 | other | pods | foo | ''",
      "GET | /api | - | false | get | '' | '' | '' | '' | '' | ''",
      "GET | /apis/apps | - | false | get | '' | '' | '' | '' | '' | ''",
      "GET | /apis/apps/v1 | - | false | get | '' | '' | '' | '' | '' | ''",
      "GET | /version | - | false | get | '' | '' | '' | '' | '' | ''",
      "GET | /api/v1/watch | - | false | get | '' | '' | '' | '' | '' | ''",
      // Go's splitPath keeps empty segments: version "", resource "v1", name "pods".
      "GET | //api//v1/pods/ | - | true | get | '' | '' | '' | v1 | pods | ''",
  })
  void parses(String method, String path, String query, boolean resource, String verb, String group, String version,
      String namespace, String res, String name, String sub) {
    RequestInfo info = RequestInfo.parse(method, path, query);
    assertThat(info.resourceRequest()).as("resource request").isEqualTo(resource);
    if (!resource) {
      return;
    }
    assertThat(info.verb()).as("verb").isEqualTo(verb);
    assertThat(info.group()).as("group").isEqualTo(group);
    assertThat(info.version()).as("version").isEqualTo(version);
    assertThat(info.namespace()).as("namespace").isEqualTo(namespace);
    assertThat(info.resource()).as("resource").isEqualTo(res);
    assertThat(info.name()).as("name").isEqualTo(name);
    assertThat(info.subresource()).as("subresource").isEqualTo(sub);
  }

  /**
   * Found by the generated families (fuzz/GeneratedFamiliesTest, against RequestInfoFactory): a LIST
   * or WATCH of a collection pinned by a {@code metadata.name} field selector is authorized with
   * that name ({@code kubectl get cm x -w}), so an RBAC rule with {@code resourceNames: [x]} allows
   * it upstream — the gate authorized it without a name and answered 403. The path's name and the
   * routing verb are unchanged; only when the ListOptions decode, only a valid path segment. And
   * Go's method switch is case-sensitive: {@code get} is no verb.
   */
  @ParameterizedTest(name = "{0} {1}?{2}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // method | path | query | verb | name | authorized name
      "GET | /api/v1/namespaces/a/configmaps | fieldSelector=metadata.name%3Dx | list | '' | x",
      "GET | /api/v1/namespaces/a/configmaps | fieldSelector=metadata.name%3D%3Dx&watch=1 | watch | '' | x",
      "GET | /api/v1/configmaps | fieldSelector=metadata.name%3Dx,metadata.namespace%3Da | list | '' | x",
      "GET | /api/v1/namespaces/a/configmaps | fieldSelector=metadata.name%21%3Dx | list | '' | ''",
      "GET | /api/v1/namespaces/a/configmaps | fieldSelector=metadata.name%3D.. | list | '' | ''",
      "GET | /api/v1/namespaces/a/configmaps | fieldSelector=metadata.name%3Da%2Fb | list | '' | ''",
      "GET | /api/v1/namespaces/a/configmaps | fieldSelector=metadata.name%3Dx&limit=abc | list | '' | ''",
      "GET | /api/v1/namespaces/a/configmaps | fieldSelector=metadata.name%3Dx&labelSelector=%21%21 | list | '' | ''",
      "GET | /api/v1/namespaces/a/configmaps | limit=abc&watch=fal%C5%BFe | watch | '' | ''",
      "GET | /api/v1/namespaces/a/configmaps | watch=fal%C5%BFe | list | '' | ''",
      "GET | /api/v1/namespaces/a/configmaps/y | fieldSelector=metadata.name%3Dx | get | y | y",
      "GET | /api/v1/watch/namespaces/a/configmaps | fieldSelector=metadata.name%3Dx | watch | '' | ''",
      "DELETE | /api/v1/namespaces/a/configmaps | fieldSelector=metadata.name%3Dx | deletecollection | '' | ''",
      "get | /api/v1/namespaces/a/configmaps/y | - | '' | y | y",
  })
  void authorizedNameAsTheApiserverSetsIt(String method, String path, String query, String verb, String name, String authorized) {
    RequestInfo info = RequestInfo.parse(method, path, query);
    assertThat(info.verb()).as("verb").isEqualTo(verb);
    assertThat(info.name()).as("name").isEqualTo(name);
    assertThat(info.authorizedName()).as("authorized name").isEqualTo(authorized);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // path | namespace the object is stored under
      "/api/v1/namespaces/other | ''",
      "/api/v1/namespaces/other/status | ''",
      "/api/v1/namespaces/other/finalize | ''",
      "/api/v1/namespaces/other/namespaces/other | other", // no such route upstream: left as parsed
      "/api/v1/namespaces/other/pods/other | other",
      "/apis/example.com/v1/namespaces/other/namespaces/other | other",
      "/api/v1/watch/namespaces/other | other", // a watch by path: passes through as parsed
  })
  void storageScopedTakesTheNamespaceOffANamespacesOwnPath(String path, String namespace) {
    assertThat(RequestInfo.parse("GET", path, "").storageScoped(path).namespace()).isEqualTo(namespace);
  }
}
