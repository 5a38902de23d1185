#!/usr/bin/env bash
# The remote tests (Tests/glossTests/RemoteServers.swift, RemoteTransportTests, RemoteHostileTests) run real servers on 127.0.0.1:
# sshd (openssh-server, with ssh-keygen/ssh-keyscan from openssh-client), nginx serving
# git-http-backend through fcgiwrap over TLS, and openssl for the test CA and the htpasswd.
. "$(dirname "$0")/lib.sh"
missing=()
[ -x /usr/sbin/sshd ] || missing+=(openssh-server)
command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
[ -x /usr/sbin/fcgiwrap ] || command -v fcgiwrap >/dev/null 2>&1 || missing+=(fcgiwrap)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
[ -x "$(git --exec-path 2>/dev/null)/git-http-backend" ] || missing+=(git)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[*]} (test servers for ssh and https remotes)" "${missing[@]}" ||
    echo "warning: could not install ${missing[*]}; the ssh/https remote tests will be skipped" >&2
fi
exit 0
