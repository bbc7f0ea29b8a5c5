package dev.vireo.daemon;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The TCP API's TLS: an {@link SSLContext} from a PKCS12 key store, or from one PEM file that
 * holds the certificate chain and an unencrypted PKCS#8 private key ("BEGIN PRIVATE KEY").
 */
final class Tls {
    private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private static final Pattern CERTIFICATE = Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----");

    private Tls() {}

    static SSLContext context(Path file, String password) throws IOException {
        try {
            KeyStore store;
            char[] secret = password.toCharArray();
            String text = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (text.contains("-----BEGIN ")) {
                store = fromPem(file, text);
                secret = new char[0];
            } else {
                store = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    store.load(in, secret);
                }
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IOException("cannot use " + file + " for TLS: " + e.getMessage()
                    + "; give a PKCS12 file (with --tls-password) or a PEM file with the certificate chain and an unencrypted PKCS#8 key", e);
        }
    }

    private static KeyStore fromPem(Path file, String text) throws IOException, GeneralSecurityException {
        Matcher key = PKCS8.matcher(text);
        if (!key.find()) throw new GeneralSecurityException("no 'BEGIN PRIVATE KEY' block in " + file);
        byte[] der = Base64.getMimeDecoder().decode(key.group(1));
        PrivateKey privateKey = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                break;
            } catch (GeneralSecurityException tryNext) {
                // another algorithm
            }
        }
        if (privateKey == null) throw new GeneralSecurityException("the private key is not RSA, EC or Ed25519");
        StringBuilder certificates = new StringBuilder();
        Matcher block = CERTIFICATE.matcher(text);
        while (block.find()) certificates.append(block.group()).append('\n');
        Certificate[] chain = CertificateFactory.getInstance("X.509")
                .generateCertificates(new java.io.ByteArrayInputStream(certificates.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .toArray(Certificate[]::new);
        if (chain.length == 0) throw new GeneralSecurityException("no certificate in " + file);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("vireod", privateKey, new char[0], chain);
        return store;
    }
}
