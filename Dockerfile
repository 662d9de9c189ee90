# Multi-stage: build the fat jar with Maven, run it on a JRE as an unprivileged user.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY sql sql
COPY pricing pricing
RUN mvn -B -q package -DskipTests

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --no-create-home brain
COPY --from=build /src/target/brain.jar /app/brain.jar
# A class-data archive made by this image's own JVM halves start-up (best effort).
RUN java -XX:ArchiveClassesAtExit=/app/brain.jsa -jar /app/brain.jar cds-training >/dev/null 2>&1 || true
USER brain
EXPOSE 8080
ENV BRAIN_PORT=8080
HEALTHCHECK --interval=10s --timeout=3s CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q '200 OK' <&3"]
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:SharedArchiveFile=/app/brain.jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-jar", "/app/brain.jar"]
CMD ["serve"]
