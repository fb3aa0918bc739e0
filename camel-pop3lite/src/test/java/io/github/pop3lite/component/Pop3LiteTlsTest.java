package io.github.pop3lite.component;

import java.util.List;

import com.icegreen.greenmail.util.ServerSetup;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Implicit TLS against GreenMail's POP3S server, which presents GreenMail's self-signed certificate
 * (see {@link GreenMailCertificate}).
 */
class Pop3LiteTlsTest extends GreenMailTestSupport {

    @Override
    protected String protocol() {
        return ServerSetup.PROTOCOL_POP3S;
    }

    @Test
    void selfSignedCertificateIsRefusedWithoutTrustConfiguration() throws Exception {
        deliverSubjects("secret mail");
        routeToMock(uri("security=tls&hostnameVerification=false"));
        polls.awaitPolls(2);

        assertTrue(polls.polls().stream().allMatch(PollRecorder.Poll::failed), polls.polls().toString());
        String error = polls.get(0).failure().getMessage();
        assertTrue(error.contains("TLS handshake with POP3 server 127.0.0.1 port " + port() + " failed"), error);
        assertTrue(error.contains("configure a trust store"), error);
        assertEquals(HealthCheck.State.DOWN, ConsumerHealth.state(context, "pop3"));
        assertEquals(List.of(), routed());
        assertEquals(List.of("secret mail"), subjectsOnServer());
    }

    @Test
    void selfSignedCertificateIsAcceptedWithSslContextParametersThatTrustIt() throws Exception {
        deliverSubjects("secret mail");
        context.getRegistry().bind("tls", GreenMailCertificate.trustingParameters());
        routeToMock(uri("security=tls&sslContextParameters=#tls&hostnameVerification=false"));
        awaitRouted(1);
        polls.awaitPolls(1);

        assertEquals(List.of("secret mail"), routedSubjects());
        assertEquals(List.of(), subjectsOnServer());
    }

    @Test
    void hostnameVerificationRefusesATrustedCertificateThatDoesNotNameTheHost() throws Exception {
        deliverSubjects("secret mail");
        context.getRegistry().bind("tls", GreenMailCertificate.trustingParameters());
        routeToMock(uri("security=tls&sslContextParameters=#tls"));
        polls.awaitPolls(2);

        assertTrue(polls.polls().stream().allMatch(PollRecorder.Poll::failed), polls.polls().toString());
        String error = polls.get(0).failure().getMessage();
        assertTrue(error.contains("TLS handshake with POP3 server 127.0.0.1 port " + port() + " failed"), error);
        assertEquals(List.of(), routed());
        assertEquals(List.of("secret mail"), subjectsOnServer());
    }

    @Test
    void globalSslContextParametersAreUsedWhenTheComponentIsToldTo() throws Exception {
        deliverSubjects("secret mail");
        context.setSSLContextParameters(GreenMailCertificate.trustingParameters());
        context.getComponent("pop3lite", Pop3LiteComponent.class).setUseGlobalSslContextParameters(true);
        routeToMock(uri("security=tls&hostnameVerification=false"));
        awaitRouted(1);

        assertEquals(List.of("secret mail"), routedSubjects());
    }
}
