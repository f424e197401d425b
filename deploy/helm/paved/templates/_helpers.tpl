{{/*
Labels on every object and on the pods. The ownership labels (team,
service, environment) are the ones paved's own ownership-labels policy
requires. They match internal/admission/install: keep the two the same.
*/}}
{{- define "paved.labels" -}}
app.kubernetes.io/name: paved
environment: prod
service: paved
team: platform
{{- end }}

{{/*
Selector of paved's pods: minimal, because a Deployment's selector cannot
change after it is created.
*/}}
{{- define "paved.selectorLabels" -}}
app.kubernetes.io/name: paved
{{- end }}

{{/*
The namespaces neither webhook sees: exemptNamespaces plus the release
namespace, sorted, without duplicates.
*/}}
{{- define "paved.exemptNamespaces" -}}
{{- $ns := append (.Values.exemptNamespaces | default list) .Release.Namespace -}}
{{- toYaml ($ns | uniq | sortAlpha) -}}
{{- end }}

{{/*
The client config of a webhook; call with (dict "root" $ "path" "/admission/...").
*/}}
{{- define "paved.clientConfig" -}}
{{- $v := .root.Values -}}
{{- if $v.webhookURL }}
url: {{ printf "%s%s" (trimSuffix "/" $v.webhookURL) .path | quote }}
{{- else }}
service:
  name: paved
  namespace: {{ .root.Release.Namespace }}
  path: {{ .path }}
  port: 443
{{- end }}
{{- if and $v.caBundle (not $v.certManager.enabled) }}
caBundle: {{ $v.caBundle | b64enc }}
{{- end }}
{{- end }}

{{/*
What both webhooks share besides the client config.
*/}}
{{- define "paved.webhookCommon" -}}
admissionReviewVersions:
  - v1
failurePolicy: {{ .Values.failurePolicy }}
matchPolicy: Equivalent
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values:
        {{- include "paved.exemptNamespaces" . | nindent 8 }}
rules:
  - apiGroups:
      - ""
    apiVersions:
      - "*"
    operations:
      - CREATE
      - UPDATE
    resources:
      - pods
      - services
      - replicationcontrollers
    scope: Namespaced
  - apiGroups:
      - apps
    apiVersions:
      - "*"
    operations:
      - CREATE
      - UPDATE
    resources:
      - deployments
      - statefulsets
      - daemonsets
      - replicasets
    scope: Namespaced
  - apiGroups:
      - batch
    apiVersions:
      - "*"
    operations:
      - CREATE
      - UPDATE
    resources:
      - jobs
      - cronjobs
    scope: Namespaced
sideEffects: None
timeoutSeconds: 3
{{- end }}

{{/*
Fail early on values the API server would reject or that would make a
webhook that cannot work, with what would be valid.
*/}}
{{- define "paved.validate" -}}
{{- if not (has .Values.failurePolicy (list "Fail" "Ignore")) }}
{{- fail (printf "failurePolicy %q is not valid; use Fail or Ignore" (toString .Values.failurePolicy)) }}
{{- end }}
{{- if and .Values.webhookURL (not (hasPrefix "https://" .Values.webhookURL)) }}
{{- fail (printf "webhookURL %q is not valid; use an https URL such as https://paved.example.com:8443" .Values.webhookURL) }}
{{- end }}
{{- end }}
