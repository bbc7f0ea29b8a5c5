package dev.vireo.daemon;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TCP API over TLS, with a PKCS12 or PEM certificate, and the bearer token. */
class TlsTest {
    @TempDir Path dir;

    Path pkcs12() throws Exception {
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "vireod", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", "secret", "-keypass", "secret")
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        assertThat(keytool.waitFor()).as(output).isZero();
        return store;
    }

    static HttpClient trusting(Path store) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            trust.load(in, "secret".toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(10)).build();
    }

    @Test
    void servesTheApiOverTlsAndStillNeedsTheToken() throws Exception {
        Path store = pkcs12();
        VireoHome home = new VireoHome(dir.resolve("home"));
        DaemonConfig config = new DaemonConfig(home, new InetSocketAddress("127.0.0.1", 0), store, "secret", List.of("true"), null, 1.0, null);
        try (Daemon daemon = Daemon.start(config, "test"); HttpClient http = trusting(store)) {
            URI uri = URI.create("https://127.0.0.1:" + daemon.tcpPort() + "/api/version");
            HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            String token = Files.readString(home.tokenFile()).strip();
            HttpResponse<String> ok = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("\"schema\" : 5");
        }
    }

    @Test
    void acceptsAPemFileWithChainAndKey() throws Exception {
        Path openssl = Path.of("/usr/bin/openssl");
        Assumptions.assumeTrue(Files.isExecutable(openssl), "openssl is not installed");
        Path key = dir.resolve("key.pem"), cert = dir.resolve("cert.pem");
        Process p = new ProcessBuilder(openssl.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
                "-out", cert.toString(), "-subj", "/CN=localhost", "-days", "1").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        Path pem = Files.writeString(dir.resolve("server.pem"), Files.readString(cert) + Files.readString(key));
        assertThat(Tls.context(pem, "")).isNotNull();
    }

    @Test
    void aBadCertificateFileSaysWhatToGive() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "-----BEGIN NOTHING-----\n");
        assertThatThrownBy(() -> Tls.context(junk, "")).hasMessageContaining("give a PKCS12 file");
    }
}
