# floodgate: one image, two entry commands (gateway, dashboard), plus the demo backend.
#
#   docker build -t floodgate .
#   docker run --rm -p 127.0.0.1:8000:8000 floodgate gateway
#   docker run --rm -p 127.0.0.1:8080:8080 floodgate dashboard
#
# The build stage runs exactly what the native path and CI run: scripts/install-deps.sh
# and scripts/build.sh (the SPEC build command). docker-compose.yml runs the whole stack.

FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN scripts/install-deps.sh --build-only
RUN scripts/build.sh

FROM debian:12-slim AS runtime
# Runtime libraries only: Boost.Asio/Beast are header-only; libpq comes with libpqxx;
# curl serves the HEALTHCHECK.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libhiredis0.14 libpqxx-6.4 libyaml-cpp0.7 libspdlog1.10 libfmt9 libjemalloc2 \
      ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home --shell /usr/sbin/nologin floodgate
COPY --from=build /src/build/bin/floodgate /src/build/bin/floodgate-dashboard \
                  /src/build/bin/floodgate-demo-backend /usr/local/bin/
COPY --from=build /src/scripts/docker-entrypoint.sh /usr/local/bin/floodgate-entrypoint
COPY --from=build /src/config/demo.yaml /etc/floodgate/routes.yaml
COPY --from=build /src/config/routes.yaml /usr/share/floodgate/routes.example.yaml
COPY --from=build /src/schema/schema.sql /usr/share/floodgate/schema.sql

# Values that differ per environment are substituted into routes.yaml (${VAR:-default}).
ENV FLOODGATE_CONFIG=/etc/floodgate/routes.yaml \
    FLOODGATE_LISTEN=0.0.0.0:8000 \
    FLOODGATE_DASHBOARD_LISTEN=0.0.0.0:8080
USER floodgate
EXPOSE 8000 8080 9001
# /health of whatever the container runs (gateway, dashboard or demo backend), on the port of
# its listen variable; FLOODGATE_HEALTH_URL overrides it (scripts/docker-entrypoint.sh).
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/floodgate-entrypoint", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/floodgate-entrypoint"]
CMD ["gateway"]
