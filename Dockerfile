# syntax=docker/dockerfile:1.7
ARG RUNTIME_BASE=eclipse-temurin:25-jre-noble
# One image pattern for all six services: docker build --build-arg MODULE=retrieval-service .
# The build stage does not depend on MODULE, so BuildKit builds the reactor once for all services.
# MAVEN_PROFILES=gpu builds embedding/rerank with ONNX Runtime for CUDA; with
# RUNTIME_BASE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04 the image also carries CUDA 12 and cuDNN 9 (./rag images
# builds both for the -gpu variants).
FROM eclipse-temurin:25-jdk-noble AS build
ARG MAVEN_PROFILES=""
WORKDIR /src
COPY . .
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests ${MAVEN_PROFILES:+-P$MAVEN_PROFILES} package

FROM eclipse-temurin:25-jdk-noble AS layers
ARG MODULE
WORKDIR /layers
COPY --from=build /src/${MODULE}/target/${MODULE}-*.jar app.jar
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination extracted

# The runtime stage's base: the plain JRE image, or for the gpu variants an NVIDIA CUDA 12 + cuDNN 9 runtime image
# (what onnxruntime_gpu 1.29 loads), which gets the same JRE copied in.
FROM eclipse-temurin:25-jre-noble AS jre

FROM ${RUNTIME_BASE}
ARG MODULE
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH
LABEL org.opencontainers.image.title="rag-platform ${MODULE}" \
      org.opencontainers.image.source="https://github.com/ragplatform/rag-platform"
RUN groupadd --system --gid 10001 rag && useradd --system --uid 10001 --gid rag --no-create-home rag
WORKDIR /app
# least-changing layers first, so a code change rebuilds only the last one
COPY --from=layers /layers/extracted/dependencies/ ./
COPY --from=layers /layers/extracted/spring-boot-loader/ ./
COPY --from=layers /layers/extracted/snapshot-dependencies/ ./
COPY --from=layers /layers/extracted/application/ ./
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED" \
    DJL_CACHE_DIR=/tmp/djl \
    ENGINE_CACHE_DIR=/tmp/djl
ENTRYPOINT ["java", "org.springframework.boot.loader.launch.JarLauncher"]
