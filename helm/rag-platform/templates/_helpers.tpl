{{/*
Chart name, truncated to 63 characters (a DNS label).
*/}}
{{- define "rag-platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: <release>-<chart>, or the release name alone when it already contains the chart name. Every resource
is named from it; a service's resources are "<fullname>-<service>" (rag-platform.componentName).
*/}}
{{- define "rag-platform.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
chart label: name-version.
*/}}
{{- define "rag-platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every resource.
*/}}
{{- define "rag-platform.labels" -}}
helm.sh/chart: {{ include "rag-platform.chart" . }}
{{ include "rag-platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: rag-platform
{{- end }}

{{/*
Selector labels of the release; a service adds app.kubernetes.io/component: <service>.
*/}}
{{- define "rag-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "rag-platform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of a service's resources: (dict "root" $ "name" "ingest-service").
*/}}
{{- define "rag-platform.componentName" -}}
{{- printf "%s-%s" (include "rag-platform.fullname" .root) .name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
ServiceAccount name.
*/}}
{{- define "rag-platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "rag-platform.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference of a service: [imageRegistry/]repository:tag[gpu suffix]; the tag defaults to appVersion.
*/}}
{{- define "rag-platform.image" -}}
{{- $svc := .svc }}
{{- $tag := default .root.Chart.AppVersion $svc.image.tag }}
{{- if and $svc.gpu $svc.gpu.enabled }}
{{- $tag = printf "%s%s" $tag ($svc.gpu.imageTagSuffix | default "") }}
{{- end }}
{{- $repository := $svc.image.repository }}
{{- if .root.Values.imageRegistry }}
{{- $repository = printf "%s/%s" (trimSuffix "/" .root.Values.imageRegistry) $repository }}
{{- end }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}

{{/*
Secret and key of the PostgreSQL password.
*/}}
{{- define "rag-platform.postgresql.secretName" -}}
{{- default (printf "%s-postgresql" (include "rag-platform.fullname" .)) .Values.postgresql.existingSecret }}
{{- end }}

{{- define "rag-platform.postgresql.secretKey" -}}
{{- if .Values.postgresql.existingSecret }}{{ .Values.postgresql.existingSecretPasswordKey }}{{ else }}password{{ end }}
{{- end }}

{{- define "rag-platform.postgresql.jdbcUrl" -}}
{{- $pg := .Values.postgresql }}
{{- printf "jdbc:postgresql://%s:%v/%s" $pg.host $pg.port $pg.database }}
{{- if $pg.jdbcParameters }}?{{ $pg.jdbcParameters }}{{ end }}
{{- end }}

{{/*
Secret and key of the LLM API key; empty name when there is no key at all.
*/}}
{{- define "rag-platform.llm.secretName" -}}
{{- if .Values.llm.existingSecret }}{{ .Values.llm.existingSecret }}
{{- else if .Values.llm.apiKey }}{{ printf "%s-llm" (include "rag-platform.fullname" .) }}
{{- end }}
{{- end }}

{{- define "rag-platform.llm.secretKey" -}}
{{- if .Values.llm.existingSecret }}{{ .Values.llm.existingSecretApiKeyKey }}{{ else }}api-key{{ end }}
{{- end }}
