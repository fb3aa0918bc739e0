package io.github.pop3lite.component;

import java.io.InputStream;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * GreenMail's own self-signed test certificate, {@code greenmail.p12} in its jar (password changeit), which
 * its POP3S server presents. It names no host (CN "GreenMail selfsigned Test Certificate", no subject
 * alternative name), so a client that trusts it must also turn hostnameVerification off.
 */
final class GreenMailCertificate {

    private static final String RESOURCE = "greenmail.p12";
    private static final String PASSWORD = "changeit";

    private GreenMailCertificate() {
    }

    /** Camel's TLS configuration that trusts GreenMail's certificate and nothing else. */
    static SSLContextParameters trustingParameters() {
        KeyStoreParameters store = new KeyStoreParameters();
        store.setResource("classpath:" + RESOURCE);
        store.setType("PKCS12");
        store.setPassword(PASSWORD);
        TrustManagersParameters trust = new TrustManagersParameters();
        trust.setKeyStore(store);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setTrustManagers(trust);
        return parameters;
    }

    /** A server-side TLS context presenting GreenMail's certificate, for the scripted server. */
    static SSLContext serverContext() throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = GreenMailCertificate.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keyStore, PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
