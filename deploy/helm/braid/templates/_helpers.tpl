{{- define "braid.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "braid.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{- define "braid.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "braid.secretName" -}}
{{- if .Values.braid.existingSecret -}}{{ .Values.braid.existingSecret }}{{- else -}}{{ include "braid.fullname" . }}{{- end -}}
{{- end -}}

{{- define "braid.dbSecretName" -}}
{{- if .Values.postgresql.existingSecret -}}{{ .Values.postgresql.existingSecret }}{{- else -}}{{ include "braid.fullname" . }}-db{{- end -}}
{{- end -}}
