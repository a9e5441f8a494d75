# One image for every Lyrebird service: `lyrebird run <plugin>...` picks what a container runs.
FROM debian:12 AS build
WORKDIR /src
COPY . .
RUN ./scripts/install-deps.sh && cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DLB_TESTS=OFF \
    && cmake --build /build -j"$(nproc)" && cmake --install /build --prefix /opt/lyrebird

FROM debian:12
RUN apt-get update && apt-get install -y --no-install-recommends libnats3.4 libprotobuf-c1 \
    libjansson4 libmicrohttpd12 libyajl2 libsqlite3-0 libpq5 libsodium23 libcurl4 libssl3 \
    libwebsockets17 libcoap3 mosquitto curl && rm -rf /var/lib/apt/lists/*
COPY --from=build /opt/lyrebird /opt/lyrebird
ENV LB_DATA_DIR=/data LB_PLUGIN_DIR=/opt/lyrebird/lib/lyrebird
VOLUME /data
EXPOSE 8080 8186 1883 5683/udp 1700/udp
ENTRYPOINT ["/opt/lyrebird/bin/lyrebird"]
CMD ["up"]
