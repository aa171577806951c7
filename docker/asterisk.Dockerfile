# Asterisk 22 (Debian sid has it) with the phone bank's configuration from asterisk/etc.
FROM debian:sid-slim
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      asterisk asterisk-core-sounds-en-gsm gettext-base && rm -rf /var/lib/apt/lists/*
COPY asterisk/etc/ /etc/asterisk.templates/
COPY docker/asterisk-entrypoint.sh /usr/local/bin/asterisk-entrypoint
ENTRYPOINT ["/usr/local/bin/asterisk-entrypoint"]
