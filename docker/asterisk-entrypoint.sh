#!/bin/sh
# Render asterisk/etc templates from the environment, then run Asterisk in the foreground.
set -eu
: "${ASTERISK_ARI_PASSWORD:?set ASTERISK_ARI_PASSWORD (no default passwords)}"
: "${ASTERISK_ARI_USER:=phonebank}" "${ASTERISK_ARI_APP:=phonebank}" "${ASTERISK_HTTP_PORT:=8088}"
: "${ASTERISK_SIP_PORT:=5060}" "${ASTERISK_RTP_START:=10000}" "${ASTERISK_RTP_END:=10999}" "${VOTER_TRUNK_PORT:=5070}"
: "${ASTERISK_BIND:=0.0.0.0}"
mkdir -p /etc/asterisk /run/asterisk
for f in /etc/asterisk.templates/*.conf; do
  sed -e "s|@@ASTERISK_HTTP_PORT@@|$ASTERISK_HTTP_PORT|g" -e "s|@@ASTERISK_SIP_PORT@@|$ASTERISK_SIP_PORT|g" \
      -e "s|@@ASTERISK_RTP_START@@|$ASTERISK_RTP_START|g" -e "s|@@ASTERISK_RTP_END@@|$ASTERISK_RTP_END|g" \
      -e "s|@@VOTER_TRUNK_PORT@@|$VOTER_TRUNK_PORT|g" -e "s|@@ASTERISK_ARI_USER@@|$ASTERISK_ARI_USER|g" \
      -e "s|@@ASTERISK_ARI_APP@@|$ASTERISK_ARI_APP|g" -e "s|@@ASTERISK_ARI_PASSWORD@@|$ASTERISK_ARI_PASSWORD|g" \
      -e "s|127.0.0.1|$ASTERISK_BIND|g" "$f" > "/etc/asterisk/$(basename "$f")"
done
mkdir -p /var/spool/asterisk/recording
chown -R asterisk:asterisk /etc/asterisk /run/asterisk /var/lib/asterisk /var/log/asterisk /var/spool/asterisk
exec /usr/sbin/asterisk -f -n -U asterisk -G asterisk
