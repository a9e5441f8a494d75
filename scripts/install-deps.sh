#!/usr/bin/env bash
# Installs every Debian package Lyrebird needs to build, run and test. Idempotent: it asks
# apt only for what is missing, and uses sudo only when not root.
set -euo pipefail

packages=(
  # build
  build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
  # libraries
  libnats-dev libprotobuf-c-dev protobuf-c-compiler libjansson-dev libmicrohttpd-dev
  libsodium-dev libssl-dev libsqlite3-dev libpq-dev libcurl4-openssl-dev
  libwebsockets-dev libcoap3-dev mosquitto-dev libmosquitto-dev duktape-dev libcmocka-dev
  libyajl-dev zlib1g-dev
  # servers the platform starts
  nats-server mosquitto influxdb postgresql
  # clients and tools the tests use
  protobuf-compiler curl wrk nginx-light mosquitto-clients libcoap3-bin procps iproute2
  binutils docker-compose jq
)
# Node.js and npm: the JavaScript codec's transpiler comes from npm (plugins/js, with a
# lockfile) and the codec corpus test runs Node as its reference. A machine that already has
# them (e.g. NodeSource's nodejs, which conflicts with Debian's npm) keeps its own.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# Servers are started by Lyrebird and its tests on their own ports; keep the packages'
# system services from starting (policy-rc.d) so they do not hold the default ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
  $sudo chmod +x /usr/sbin/policy-rc.d
  trap '$sudo rm -f /usr/sbin/policy-rc.d' EXIT
fi
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
