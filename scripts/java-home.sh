# Sourced by ./vireo: sets JAVA_HOME to a JDK 25 or newer, or exits.
vireo_java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1; }
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
