#!/bin/sh
# docker-machine qemu guests: applies the NoCloud seed (a disk labelled CIDATA with meta-data and user-data)
# at every boot, without cloud-init: host name from meta-data's local-hostname, SSH keys of user "docker" from
# user-data's ssh_authorized_keys list, fresh SSH host keys, and the root file system grown to its disk.
set -u
dev=$(blkid -L CIDATA 2>/dev/null || blkid -L cidata 2>/dev/null || true)
ssh-keygen -A >/dev/null
resize2fs "$(findmnt -n -o SOURCE /)" >/dev/null 2>&1 || true
[ -n "$dev" ] || exit 0
mnt=$(mktemp -d)
mount -o ro "$dev" "$mnt" || exit 1
if [ -f "$mnt/meta-data" ]; then
    name=$(sed -n 's/^local-hostname: *//p' "$mnt/meta-data" | head -n 1 | tr -d '"\r')
    if [ -n "$name" ] && [ "$(cat /etc/hostname 2>/dev/null)" != "$name" ]; then
        echo "$name" > /etc/hostname
        hostname "$name"
        grep -q "127.0.1.1 $name\$" /etc/hosts || echo "127.0.1.1 $name" >> /etc/hosts
    fi
fi
if [ -f "$mnt/user-data" ]; then
    install -d -m 0700 -o docker -g docker /home/docker/.ssh
    grep -E '^[[:space:]]+- (ssh-|ecdsa-|sk-)' "$mnt/user-data" | sed 's/^[[:space:]]*- //' \
        > /home/docker/.ssh/authorized_keys
    chown docker:docker /home/docker/.ssh/authorized_keys
    chmod 0600 /home/docker/.ssh/authorized_keys
fi
umount "$mnt"
rmdir "$mnt"
