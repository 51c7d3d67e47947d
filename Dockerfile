# syntax=docker/dockerfile:1
# Braid server image: build the multi-module project on a JDK 21, run the Spring Boot jar on a JRE 21.
#
#   docker build -t braid:local .
#   docker run --rm -p 127.0.0.1:8080:8080 -e SPRING_DATASOURCE_URL=jdbc:postgresql://db:5432/braid ... braid:local
#
# docker-compose.yml builds this image for its two Braid nodes.

# web-ui is built by the Maven build with Node and npm (DESIGN §9); they come from the official Node image.
FROM node:24-bookworm-slim AS node

FROM eclipse-temurin:21-jdk AS build
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s /usr/local/lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm
WORKDIR /src
COPY . .
# The cache mount keeps the local Maven repository between builds (BuildKit).
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -DskipTests clean package \
 && cp app/target/braid.jar /braid.jar

FROM eclipse-temurin:21-jre
# curl for the container health check; a system user so the server does not run as root.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/braid --create-home braid
COPY --from=build /braid.jar /opt/braid/braid.jar
USER braid
WORKDIR /var/lib/braid
# The image talks to an external PostgreSQL and Kafka (SPRING_DATASOURCE_URL, SPRING_KAFKA_BOOTSTRAP_SERVERS);
# inside a container the server must listen on all interfaces to be reachable through a published port.
ENV BRAID_HOME=/var/lib/braid \
    SERVER_ADDRESS=0.0.0.0 \
    SERVER_PORT=8080 \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=6 \
  CMD curl -fsS http://127.0.0.1:8080/actuator/health || exit 1
# exec form: java is PID 1 and receives SIGTERM, so the graceful shutdown of ARCHITECTURE §3 runs.
ENTRYPOINT ["java", "-jar", "/opt/braid/braid.jar"]
