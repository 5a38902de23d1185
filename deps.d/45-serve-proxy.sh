#!/usr/bin/env bash
# nginx, openssl and curl run docs/serve.md's TLS reverse-proxy example in a test: nginx on
# 127.0.0.1 with a throwaway self-signed certificate, curl as the browser.
. "$(dirname "$0")/lib.sh"
if [ ! -x /usr/sbin/nginx ] || [ ! -x /usr/bin/openssl ] || [ ! -x /usr/bin/curl ]; then
  apt_install "nginx, openssl and curl (for the gloss serve reverse-proxy test)" nginx-light openssl curl ||
    apt_install "nginx, openssl and curl (for the gloss serve reverse-proxy test)" nginx openssl curl
fi
