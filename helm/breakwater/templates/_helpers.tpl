{{- define "breakwater.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "breakwater.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "breakwater.selectorLabels" -}}
app.kubernetes.io/name: {{ include "breakwater.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "breakwater.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "breakwater.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "breakwater.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "breakwater.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "breakwater.tlsSecretName" -}}
{{- if and .Values.tls.existingSecret (not .Values.tls.certManager.enabled) -}}
{{- .Values.tls.existingSecret -}}
{{- else -}}
{{- printf "%s-tls" (include "breakwater.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "breakwater.dnsNames" -}}
{{- $fullname := include "breakwater.fullname" . -}}
{{- $names := list $fullname (printf "%s.%s" $fullname .Release.Namespace) (printf "%s.%s.svc" $fullname .Release.Namespace) (printf "%s.%s.svc.cluster.local" $fullname .Release.Namespace) -}}
{{- concat $names .Values.tls.extraDnsNames | toJson -}}
{{- end -}}

{{/* The memory limit in MiB, or 0 when it is not written in Mi or Gi. */}}
{{- define "breakwater.memoryLimitMiB" -}}
{{- $mem := toString (dig "limits" "memory" "" (.Values.resources | default dict)) -}}
{{- if hasSuffix "Gi" $mem -}}
{{- trimSuffix "Gi" $mem | float64 | mulf 1024.0 | int -}}
{{- else if hasSuffix "Mi" $mem -}}
{{- trimSuffix "Mi" $mem | float64 | int -}}
{{- else -}}
0
{{- end -}}
{{- end -}}

{{/* JVM options: heap derived from the memory limit (see values.yaml `jvm`). */}}
{{- define "breakwater.javaOptions" -}}
{{- $mib := include "breakwater.memoryLimitMiB" . | int -}}
{{- $opts := list "-XX:+UseCompactObjectHeaders" "-XX:+UseZGC" "-XX:+ExitOnOutOfMemoryError" "-Dvertx.cacheDirBase=/tmp/vertx-cache" -}}
{{- if gt $mib 0 -}}
{{- $opts = append $opts (printf "-Xmx%dm" (div (mul $mib (int .Values.jvm.heapPercent)) 100)) -}}
{{- $opts = append $opts (printf "-XX:SoftMaxHeapSize=%dm" (div (mul $mib (int .Values.jvm.softHeapPercent)) 100)) -}}
{{- else -}}
{{- $opts = append $opts (printf "-XX:MaxRAMPercentage=%d" (int .Values.jvm.heapPercent)) -}}
{{- end -}}
{{- concat $opts .Values.jvm.extraOptions | join " " -}}
{{- end -}}

{{/* The --config file: keys are serve's flag names without the dashes. */}}
{{- define "breakwater.configFile" -}}
{{- $c := .Values.config -}}
{{- $f := dict -}}
{{- $_ := set $f "listen" (printf "0.0.0.0:%d" (int $c.listenPort)) -}}
{{- $_ := set $f "admin-listen" (printf "0.0.0.0:%d" (int $c.adminPort)) -}}
{{- $_ := set $f "shutdown-grace" $c.shutdownGrace -}}
{{- $_ := set $f "upstream-connect-timeout" $c.upstreamConnectTimeout -}}
{{- if hasKey $c "upstreamReadIdleTimeout" }}{{ $_ := set $f "upstream-read-idle-timeout" $c.upstreamReadIdleTimeout }}{{ end -}}
{{- if hasKey $c "upstreamPingTimeout" }}{{ $_ := set $f "upstream-ping-timeout" $c.upstreamPingTimeout }}{{ end -}}
{{- $_ := set $f "cache" $c.cache.enabled -}}
{{- if $c.cache.resources }}{{ $_ := set $f "cache-resources" $c.cache.resources }}{{ end -}}
{{- if $c.cache.exclude }}{{ $_ := set $f "cache-exclude" $c.cache.exclude }}{{ end -}}
{{- if $c.cache.warm }}{{ $_ := set $f "cache-warm" $c.cache.warm }}{{ end -}}
{{- $_ := set $f "cache-idle-timeout" $c.cache.idleTimeout -}}
{{- $_ := set $f "serve-stale-on-outage" $c.cache.serveStaleOnOutage -}}
{{- $_ := set $f "cache-consistency-check-interval" $c.cache.consistencyCheckInterval -}}
{{- $_ := set $f "consistent-read-budget" $c.cache.consistentReadBudget -}}
{{- if $c.memory }}{{ if $c.memory.maxInflightBytes }}{{ $_ := set $f "max-inflight-bytes" $c.memory.maxInflightBytes }}{{ end }}{{ end -}}
{{- if $c.memory }}{{ if $c.memory.maxWatchQueueBytes }}{{ $_ := set $f "max-watch-queue-bytes" $c.memory.maxWatchQueueBytes }}{{ end }}{{ end -}}
{{- if .Values.tls.enabled -}}
{{- $_ := set $f "tls-cert" "/etc/breakwater/tls/tls.crt" -}}
{{- $_ := set $f "tls-key" "/etc/breakwater/tls/tls.key" -}}
{{- end -}}
{{- if $c.upstream.kubeconfigSecret -}}
{{- $_ := set $f "kubeconfig" "/etc/breakwater/upstream/kubeconfig" -}}
{{- end -}}
{{- if $c.upstream.context }}{{ $_ := set $f "context" $c.upstream.context }}{{ end -}}
{{- $_ := set $f "auth" .Values.auth.mode -}}
{{- $_ := set $f "anonymous-auth" .Values.auth.anonymous -}}
{{- if .Values.auth.clientCAFile }}{{ $_ := set $f "client-ca-file" .Values.auth.clientCAFile }}{{ end -}}
{{- if .Values.auth.requestheaderClientCAFile }}{{ $_ := set $f "requestheader-client-ca-file" .Values.auth.requestheaderClientCAFile }}{{ end -}}
{{- range $k, $v := $c.extra }}{{ $_ := set $f $k $v }}{{ end -}}
{{- toYaml $f -}}
{{- end -}}
