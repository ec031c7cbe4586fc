#!/bin/bash
# Builds the machine image of docker-machine's qemu driver: Debian 12 with docker.io from Debian's packages,
# systemd, OpenSSH, sudo and curl (what the debian provisioner expects), booted by qemu's -kernel/-initrd.
#
# Output (in OUT_DIR, default /var/tmp/docker-machine-qemu-image):
#   disk.qcow2   ext4 root file system on the whole disk (no partition table), root=/dev/vda
#   vmlinuz      the kernel, initrd.img its initramfs (virtio drivers included)
#   .complete    written last; the script does nothing when it is there and the recipe did not change
# First boot: contrib/qemu-image/machine-seed.sh (installed as machine-seed.service) reads the NoCloud seed
# the driver attaches (label CIDATA): SSH key for user "docker", host name. Images with cloud-init read the
# same seed.
# Network: only the Debian mirror of apt's sources (or $DEBIAN_MIRROR) is contacted. Needs root, mmdebstrap,
# mkfs.ext4 (e2fsprogs >= 1.43) and qemu-img. ~3-6 min and ~1.3 GB of downloads on first run.
# Usage: build-image.sh [OUT_DIR] [--force]
set -euo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
OUT_DIR=${1:-/var/tmp/docker-machine-qemu-image}
FORCE=${2:-}
SUITE=${SUITE:-bookworm}
PACKAGES=linux-image-amd64,systemd-sysv,udev,kmod,openssh-server,sudo,curl,ca-certificates,iproute2,procps,docker.io,apparmor,dbus,e2fsprogs,util-linux,mount
ROOT_SIZE=${ROOT_SIZE:-4G}

[ "$(id -u)" = 0 ] || { echo "build-image.sh must run as root" >&2; exit 1; }
for tool in mmdebstrap mkfs.ext4 qemu-img; do
    command -v "$tool" >/dev/null || { echo "build-image.sh needs $tool (scripts/install-deps.sh)" >&2; exit 1; }
done
if [ -z "${DEBIAN_MIRROR:-}" ]; then
    DEBIAN_MIRROR=$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
    [ -n "$DEBIAN_MIRROR" ] || DEBIAN_MIRROR=$(awk '$1=="deb" && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
    DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
fi

recipe=$(cat "$0" "$HERE/machine-seed.sh"; echo "$SUITE $PACKAGES $ROOT_SIZE")
recipe_hash=$(printf '%s' "$recipe" | sha256sum | cut -c1-16)
if [ "$FORCE" != --force ] && [ -e "$OUT_DIR/.complete" ] && [ "$(cat "$OUT_DIR/.complete")" = "$recipe_hash" ]; then
    echo "qemu machine image up to date: $OUT_DIR"
    exit 0
fi

mkdir -p "$OUT_DIR"
work=$(mktemp -d "$OUT_DIR/.build-XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
t0=$(date +%s)

# The guest's customisation, run inside the new root by mmdebstrap.
cat > "$work/customize.sh" <<'HOOK'
#!/bin/sh
set -eu
root=$1
cp "$SEED_SCRIPT" "$root/usr/local/sbin/machine-seed"
chmod 0755 "$root/usr/local/sbin/machine-seed"
cat > "$root/etc/systemd/system/machine-seed.service" <<UNIT
[Unit]
Description=docker-machine seed: SSH key and host name
DefaultDependencies=no
After=local-fs.target
Before=ssh.service network-pre.target

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/machine-seed

[Install]
WantedBy=multi-user.target
UNIT
mkdir -p "$root/etc/systemd/network"
printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=ipv4\n' > "$root/etc/systemd/network/20-wired.network"
printf '/dev/vda / ext4 defaults,errors=remount-ro 0 1\n' > "$root/etc/fstab"
echo debian > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
chroot "$root" useradd -m -s /bin/bash -g docker -G sudo docker
echo 'docker ALL=(ALL) NOPASSWD:ALL' > "$root/etc/sudoers.d/docker"
chmod 0440 "$root/etc/sudoers.d/docker"
printf 'PasswordAuthentication no\nUseDNS no\n' > "$root/etc/ssh/sshd_config.d/machine.conf"
chroot "$root" systemctl enable machine-seed.service systemd-networkd.service
# Nothing in the guest may wait for a network it will never reach (user-mode networking, restrict=on).
chroot "$root" systemctl mask systemd-networkd-wait-online.service apt-daily.timer apt-daily-upgrade.timer \
    e2scrub_all.timer fstrim.timer man-db.timer
# No socket activation for docker: the provisioner stops docker, rewrites its options and starts it again; a
# client touching docker.socket in between would restart it with the old options.
sed -e '/^Requires=docker.socket/d' -e 's/ docker.socket//' -e 's#-H fd://#-H unix:///var/run/docker.sock#' \
    "$root/lib/systemd/system/docker.service" > "$root/etc/systemd/system/docker.service"
chroot "$root" systemctl mask docker.socket
rm -f "$root"/etc/ssh/ssh_host_*
HOOK
chmod +x "$work/customize.sh"

SEED_SCRIPT="$HERE/machine-seed.sh" mmdebstrap --variant=minbase \
    --aptopt='APT::Install-Recommends "false"' \
    --include="$PACKAGES" \
    --customize-hook="$work/customize.sh \"\$1\"" \
    --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
    "$SUITE" "$rootfs" "$DEBIAN_MIRROR"

cp "$(readlink -f "$rootfs/vmlinuz")" "$work/vmlinuz"
cp "$(readlink -f "$rootfs/initrd.img")" "$work/initrd.img"
truncate -s "$ROOT_SIZE" "$work/root.raw"
mkfs.ext4 -q -L machine-root -d "$rootfs" "$work/root.raw"
qemu-img convert -f raw -O qcow2 "$work/root.raw" "$work/disk.qcow2"
mv "$work/disk.qcow2" "$work/vmlinuz" "$work/initrd.img" "$OUT_DIR/"
echo "$recipe_hash" > "$OUT_DIR/.complete"
t1=$(date +%s)
echo "qemu machine image built in $((t1 - t0)) s: $OUT_DIR ($(du -sh "$OUT_DIR/disk.qcow2" | cut -f1) qcow2)"
echo "use: docker-machine create -d qemu --qemu-image $OUT_DIR/disk.qcow2 --qemu-kernel $OUT_DIR/vmlinuz --qemu-initrd $OUT_DIR/initrd.img NAME"
