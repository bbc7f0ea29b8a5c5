# Sourced by ./vireo: sets JAVA_HOME to a JDK 25 or newer, or exits.
# The JDK's release file names its version without starting a JVM (which costs ~0.2 s on
# every ./vireo command); a JDK without one is asked.
vireo_java_major() {
  if [ -f "$1/release" ]; then
    local line v # bash only: each process started costs milliseconds on every command
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in JAVA_VERSION=*) v=${line#JAVA_VERSION=}; v=${v#\"}; echo "${v%%[!0-9]*}"; return ;; esac
    done <"$1/release"
  else "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; fi
}
vireo_find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(vireo_java_major "$JAVA_HOME")" -ge 25 ] 2>/dev/null; then return 0; fi
  jvms=${VIREO_JVM_DIR:-/usr/lib/jvm}
  for d in "$jvms"/temurin-25* "$jvms"/java-25* "$jvms"/temurin-2[6-9]*; do
    if [ -x "$d/bin/java" ]; then export JAVA_HOME="$d"; return 0; fi
  done
  echo "vireo: needs a JDK 25 or newer; install temurin-25-jdk (or set JAVA_HOME to a JDK 25)" >&2
  exit 1
}
vireo_find_java
