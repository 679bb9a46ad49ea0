#!/bin/sh
# Bastion edge entrypoint: picks the TLS or plain-HTTP config rendered at build time, checks it
# with `nginx -t`, then runs nginx in the foreground as the current (unprivileged) user.
#
#   BASTION_EDGE_MODE  auto (default: tls when a certificate is mounted) | tls | plain
#   BASTION_TLS_DIR    where fullchain.pem and privkey.pem are mounted (/etc/bastion/tls)
#   BASTION_CONF_DIR   where nginx-tls.conf and nginx-plain.conf live (/etc/bastion)
#   NGINX_PREFIX       writable directory for the pid file and temp paths (/tmp/nginx)
set -eu

mode=${BASTION_EDGE_MODE:-auto}
tls_dir=${BASTION_TLS_DIR:-/etc/bastion/tls}
conf_dir=${BASTION_CONF_DIR:-/etc/bastion}
prefix=${NGINX_PREFIX:-/tmp/nginx}
nginx=${NGINX_BIN:-nginx}

if [ "${1:-}" = "--health" ]; then
  # Liveness of nginx itself: the pid file names a running master.
  [ -r "$prefix/nginx.pid" ] && kill -0 "$(cat "$prefix/nginx.pid")" 2>/dev/null
  exit $?
fi

has_cert() {
  [ -r "$tls_dir/fullchain.pem" ] && [ -r "$tls_dir/privkey.pem" ]
}

case "$mode" in
  auto) if has_cert; then mode=tls; else mode=plain; fi ;;
  tls | plain) ;;
  *)
    echo "bastion-edge: BASTION_EDGE_MODE must be auto, tls or plain (got \"$mode\")" >&2
    exit 2
    ;;
esac
if [ "$mode" = tls ] && ! has_cert; then
  echo "bastion-edge: TLS mode needs $tls_dir/fullchain.pem and $tls_dir/privkey.pem" >&2
  exit 1
fi

conf="$conf_dir/nginx-$mode.conf"
mkdir -p "$prefix"
echo "bastion-edge: $mode mode ($conf)" >&2
# -e stderr: the compiled-in error log (/var/log/nginx) is neither writable nor wanted here.
"$nginx" -t -q -e stderr -p "$prefix" -c "$conf"
exec "$nginx" -e stderr -p "$prefix" -c "$conf" -g 'daemon off;'
