{{/*
One service of the platform: ConfigMap, Deployment, Service, and optionally HorizontalPodAutoscaler and
PodDisruptionBudget. Called from services.yaml once per enabled entry of .Values.services with
(dict "root" $ "name" <service> "svc" <serviceDefaults merged with the service's values>).
*/}}
{{- define "rag-platform.service" -}}
{{- $root := .root }}
{{- $name := .name }}
{{- $svc := .svc }}
{{- $fullname := include "rag-platform.componentName" (dict "root" $root "name" $name) }}
{{- $gpu := $svc.gpu | default dict }}
{{- $kafka := $svc.kafka | default dict }}
{{- /* plain configuration: the ConfigMap; secrets never go here */}}
{{- $config := dict "SERVER_PORT" (toString $svc.port) }}
{{- if $svc.managementPort }}
{{- $_ := set $config "MANAGEMENT_SERVER_PORT" (toString $svc.managementPort) }}
{{- end }}
{{- $healthPort := ternary "management" "http" (not (empty $svc.managementPort)) }}
{{- range $envName, $target := $svc.serviceUrls }}
{{- $targetValues := index $root.Values.services $target | default dict }}
{{- if not $targetValues.port }}{{ fail (printf "services.%s.serviceUrls.%s: no service %q with a port" $name $envName $target) }}{{ end }}
{{- $_ := set $config $envName (printf "http://%s:%v" (include "rag-platform.componentName" (dict "root" $root "name" $target)) $targetValues.port) }}
{{- end }}
{{- if $svc.database }}
{{- $_ := set $config "SPRING_DATASOURCE_URL" (include "rag-platform.postgresql.jdbcUrl" $root) }}
{{- $_ := set $config "SPRING_DATASOURCE_USERNAME" $root.Values.postgresql.username }}
{{- $_ := set $config "SPRING_FLYWAY_LOCK_RETRY_COUNT" (toString $root.Values.flyway.lockRetryCount) }}
{{- end }}
{{- if $kafka.enabled }}
{{- $_ := set $config "SPRING_KAFKA_BOOTSTRAP_SERVERS" $root.Values.kafka.bootstrapServers }}
{{- $_ := set $config "SPRING_KAFKA_ADMIN_AUTO_CREATE" (toString $root.Values.kafka.createTopics) }}
{{- $_ := set $config (printf "%s_PARTITIONS" $kafka.propertyPrefix) (toString $root.Values.kafka.partitions) }}
{{- $_ := set $config (printf "%s_CONCURRENCY" $kafka.propertyPrefix) (toString $kafka.concurrency) }}
{{- $_ := set $config (printf "%s_REPLICATION_FACTOR" $kafka.propertyPrefix) (toString $root.Values.kafka.replicationFactor) }}
{{- $_ := set $config (printf "%s_MIN_INSYNC_REPLICAS" $kafka.propertyPrefix) (toString $root.Values.kafka.minInsyncReplicas) }}
{{- if gt (int $root.Values.kafka.minInsyncReplicas) (int $root.Values.kafka.replicationFactor) }}{{ fail "kafka.minInsyncReplicas may not exceed kafka.replicationFactor" }}{{ end }}
{{- with $root.Values.kafka.tls.caSecret }}
{{- $_ := set $config "SPRING_SSL_BUNDLE_PEM_KAFKA_TRUSTSTORE_CERTIFICATE" (printf "file:/etc/rag/kafka-ca/%s" $root.Values.kafka.tls.caSecretKey) }}
{{- $_ := set $config "SPRING_KAFKA_SSL_BUNDLE" "kafka" }}
{{- end }}
{{- with $root.Values.kafka.securityProtocol }}
{{- $_ := set $config "SPRING_KAFKA_SECURITY_PROTOCOL" . }}
{{- end }}
{{- with $root.Values.kafka.saslMechanism }}
{{- $_ := set $config "SPRING_KAFKA_PROPERTIES_SASL_MECHANISM" . }}
{{- end }}
{{- end }}
{{- if $svc.llm }}
{{- $_ := set $config "RAG_LLM_PROVIDER" $root.Values.llm.provider }}
{{- $_ := set $config "RAG_LLM_BASE_URL" $root.Values.llm.baseUrl }}
{{- $_ := set $config "RAG_LLM_MODEL" $root.Values.llm.model }}
{{- end }}
{{- if $gpu.enabled }}
{{- $_ := set $config $gpu.deviceProperty "cuda" }}
{{- range $k, $v := $gpu.env }}
{{- $_ := set $config $k (toString $v) }}
{{- end }}
{{- end }}
{{- with $root.Values.observability }}
{{- if .logFormat }}
{{- $_ := set $config "LOGGING_STRUCTURED_FORMAT_CONSOLE" .logFormat }}
{{- end }}
{{- $_ := set $config "MANAGEMENT_TRACING_SAMPLING_PROBABILITY" (toString .tracing.sampling) }}
{{- if .tracing.otlpEndpoint }}
{{- $_ := set $config "RAG_OTLP_ENDPOINT" .tracing.otlpEndpoint }}
{{- end }}
{{- if and .tracing.traceUrl (eq $name "gateway") }}
{{- $_ := set $config "RAG_GATEWAY_TRACEURL" .tracing.traceUrl }}
{{- end }}
{{- end }}
{{- range $k, $v := $svc.env }}
{{- $_ := set $config $k (toString $v) }}
{{- end }}
{{- /* GPUs are an extended resource: requested and limited alike */}}
{{- $resources := deepCopy ($svc.resources | default dict) }}
{{- $nodeSelector := deepCopy ($svc.nodeSelector | default dict) }}
{{- $tolerations := $svc.tolerations | default list }}
{{- if $gpu.enabled }}
{{- $_ := set $resources "limits" (merge (dict $gpu.resourceName (int $gpu.count)) ($resources.limits | default dict)) }}
{{- $_ := set $resources "requests" (merge (dict $gpu.resourceName (int $gpu.count)) ($resources.requests | default dict)) }}
{{- $nodeSelector = merge $nodeSelector ($gpu.nodeSelector | default dict) }}
{{- $tolerations = concat $tolerations ($gpu.tolerations | default list) }}
{{- end }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "rag-platform.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
data:
  {{- toYaml $config | nindent 2 }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "rag-platform.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  {{- if not $svc.autoscaling.enabled }}
  replicas: {{ $svc.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "rag-platform.selectorLabels" $root | nindent 6 }}
      app.kubernetes.io/component: {{ $name }}
  template:
    metadata:
      annotations:
        # a changed ConfigMap rolls the pods
        checksum/config: {{ toYaml $config | sha256sum }}
        {{- with $svc.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      labels:
        {{- include "rag-platform.labels" $root | nindent 8 }}
        app.kubernetes.io/component: {{ $name }}
        {{- with $svc.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "rag-platform.serviceAccountName" $root }}
      automountServiceAccountToken: {{ $root.Values.serviceAccount.automountServiceAccountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $svc.terminationGracePeriodSeconds }}
      containers:
        - name: {{ $name }}
          image: {{ include "rag-platform.image" (dict "root" $root "svc" $svc) | quote }}
          imagePullPolicy: {{ $root.Values.imagePullPolicy }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $svc.port }}
              protocol: TCP
            {{- if $svc.managementPort }}
            - name: management
              containerPort: {{ $svc.managementPort }}
              protocol: TCP
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ $fullname }}
          {{- $bootstrapKey := ($svc.bootstrapKey | default dict).existingSecret }}
          {{- $secretEnv := or $svc.database (and $kafka.enabled $root.Values.kafka.existingSecret) (and $svc.llm (include "rag-platform.llm.secretName" $root)) $bootstrapKey $svc.extraEnv }}
          {{- if $secretEnv }}
          env:
            {{- if $svc.database }}
            - name: SPRING_DATASOURCE_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: {{ include "rag-platform.postgresql.secretName" $root }}
                  key: {{ include "rag-platform.postgresql.secretKey" $root }}
            {{- end }}
            {{- if and $kafka.enabled $root.Values.kafka.existingSecret }}
            - name: SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG
              valueFrom:
                secretKeyRef:
                  name: {{ $root.Values.kafka.existingSecret }}
                  key: {{ $root.Values.kafka.existingSecretJaasConfigKey }}
            {{- end }}
            {{- if and $svc.llm (include "rag-platform.llm.secretName" $root) }}
            - name: RAG_LLM_APIKEY
              valueFrom:
                secretKeyRef:
                  name: {{ include "rag-platform.llm.secretName" $root }}
                  key: {{ include "rag-platform.llm.secretKey" $root }}
            {{- end }}
            {{- if $bootstrapKey }}
            - name: RAG_GATEWAY_BOOTSTRAP_KEY
              valueFrom:
                secretKeyRef:
                  name: {{ $bootstrapKey }}
                  key: {{ $svc.bootstrapKey.existingSecretKey }}
            {{- end }}
            {{- with $svc.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /actuator/health/liveness
              port: {{ $healthPort }}
            periodSeconds: {{ $svc.probes.startup.periodSeconds }}
            timeoutSeconds: {{ $svc.probes.startup.timeoutSeconds }}
            failureThreshold: {{ $svc.probes.startup.failureThreshold }}
          livenessProbe:
            httpGet:
              path: /actuator/health/liveness
              port: {{ $healthPort }}
            periodSeconds: {{ $svc.probes.liveness.periodSeconds }}
            timeoutSeconds: {{ $svc.probes.liveness.timeoutSeconds }}
            failureThreshold: {{ $svc.probes.liveness.failureThreshold }}
          readinessProbe:
            httpGet:
              path: /actuator/health/readiness
              port: {{ $healthPort }}
            periodSeconds: {{ $svc.probes.readiness.periodSeconds }}
            timeoutSeconds: {{ $svc.probes.readiness.timeoutSeconds }}
            failureThreshold: {{ $svc.probes.readiness.failureThreshold }}
          resources:
            {{- toYaml $resources | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- if and $kafka.enabled $root.Values.kafka.tls.caSecret }}
            - name: kafka-ca
              mountPath: /etc/rag/kafka-ca
              readOnly: true
            {{- end }}
      volumes:
        # the root filesystem is read-only: the JVM, ONNX Runtime and DJL unpack native libraries here
        - name: tmp
          emptyDir:
            sizeLimit: {{ $svc.tmpSizeLimit }}
        {{- if and $kafka.enabled $root.Values.kafka.tls.caSecret }}
        - name: kafka-ca
          secret:
            secretName: {{ $root.Values.kafka.tls.caSecret }}
        {{- end }}
      {{- with $nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $svc.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "rag-platform.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
  {{- with $svc.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $svc.service.type }}
  selector:
    {{- include "rag-platform.selectorLabels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
  ports:
    - name: http
      port: {{ $svc.port }}
      targetPort: http
      protocol: TCP
    # what the ServiceMonitor scrapes: the management port where there is one, else the service's own
    - name: metrics
      port: {{ $svc.managementPort | default $svc.port }}
      targetPort: {{ $healthPort }}
      protocol: TCP
{{- if $svc.autoscaling.enabled }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "rag-platform.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullname }}
  minReplicas: {{ $svc.autoscaling.minReplicas }}
  maxReplicas: {{ $svc.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $svc.autoscaling.targetCPUUtilizationPercentage }}
{{- end }}
{{- if $svc.podDisruptionBudget.enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $fullname }}
  labels:
    {{- include "rag-platform.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ $name }}
spec:
  minAvailable: {{ $svc.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "rag-platform.selectorLabels" $root | nindent 6 }}
      app.kubernetes.io/component: {{ $name }}
{{- end }}
{{- end }}
