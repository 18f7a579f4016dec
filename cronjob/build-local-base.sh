#!/bin/sh
# Builds a small local JRE base image as a docker-archive tar for the offline-base profile:
#   ./build-local-base.sh && mvn -o -pl cronjob -am -Pimage,offline-base package
# Recipe (ops.md §5.2): jlink a JRE, add the shared libraries it links against and a nonroot user,
# import the tree with podman and save it as docker-archive (Jib's tar:// base rejects oci-archive).
# For CI smoke tests only: the production base is the digest-pinned JRE image in pom.xml.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out="$here/target/base"
image="${BASE_IMAGE_NAME:-localhost/fault-runner-base:17}"
# Modules the runner's libraries need (fabric8/Vert.x/Netty, Jackson/SnakeYAML, Micrometer, picocli).
modules="${JLINK_MODULES:-java.base,java.logging,java.net.http,java.naming,java.management,jdk.management,java.sql,java.xml,java.desktop,java.security.jgss,jdk.unsupported,jdk.crypto.ec,jdk.zipfs}"

for tool in jlink ldd podman tar; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-local-base.sh: '$tool' is required but not on PATH" >&2; exit 2; }
done

rm -rf "$out"
mkdir -p "$out/rootfs/opt" "$out/rootfs/etc" "$out/rootfs/tmp"
jlink --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$out/rootfs/opt/java"

# Every shared library the JRE links against, at the same absolute path (ld-linux included).
{ ldd "$out/rootfs/opt/java/bin/java"; find "$out/rootfs/opt/java" -name '*.so' -exec ldd {} \; ; } 2>/dev/null \
  | grep -o '/[^ ]*' | grep -v "^$out" | sort -u | while read -r lib; do
    if [ -e "$lib" ]; then cp -L --parents "$lib" "$out/rootfs"; fi
  done

printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' > "$out/rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$out/rootfs/etc/group"
chmod 1777 "$out/rootfs/tmp"

tar -C "$out/rootfs" --numeric-owner --owner=0 --group=0 -cf "$out/rootfs.tar" .
podman import --change 'ENV PATH=/opt/java/bin:/usr/bin:/bin' --change 'ENV JAVA_HOME=/opt/java' \
  "$out/rootfs.tar" "$image" >/dev/null
podman save --format docker-archive -o "$out/base-docker.tar" "$image"
rm -rf "$out/rootfs" "$out/rootfs.tar"
echo "wrote $out/base-docker.tar ($image)"
