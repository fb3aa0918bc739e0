package io.github.pop3lite.client;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Opens the TCP connection (each address of the host in turn) and layers TLS over a socket. */
final class Connector {

    private static final Logger LOG = LoggerFactory.getLogger(Connector.class);

    private Connector() {
    }

    /** Connects to the first address of the host that answers. */
    static Socket connect(Pop3ClientOptions options) throws IOException {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(options.host());
        } catch (UnknownHostException e) {
            throw new UnknownHostException("Cannot resolve POP3 host '" + options.host() + "': check the host name");
        }
        return connect(addresses, options);
    }

    /** Connects to the first of the host's addresses that answers, in the order given. */
    static Socket connect(InetAddress[] addresses, Pop3ClientOptions options) throws IOException {
        int connectMillis = (int) options.connectTimeout().toMillis();
        List<String> failures = new ArrayList<>();
        for (InetAddress address : addresses) {
            Socket socket = new Socket();
            try {
                socket.setTcpNoDelay(true);
                socket.connect(new InetSocketAddress(address, options.port()), connectMillis);
                socket.setSoTimeout((int) options.readTimeout().toMillis());
                return socket;
            } catch (IOException e) {
                closeQuietly(socket);
                LOG.debug("Cannot connect to {} port {}: {}", address, options.port(), e.toString());
                failures.add(address.getHostAddress() + " (" + e.getMessage() + ")");
            }
        }
        throw new ConnectException("Cannot connect to POP3 server " + options.host() + " port " + options.port()
                + " within connectTimeout " + connectMillis + " ms; tried " + String.join(", ", failures));
    }

    /** Layers TLS over a connected socket and completes the handshake, checking the host name if asked. */
    static SSLSocket startTls(Socket plain, Pop3ClientOptions options) throws IOException {
        SSLContext context;
        try {
            context = options.sslContext() != null ? options.sslContext() : SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new Pop3SecurityException("This JVM has no default TLS context; pass one in sslContext", e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory()
                .createSocket(plain, options.host(), options.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        if (options.hostnameVerification()) {
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
        }
        // RFC 8314: TLS 1.2 or later only
        parameters.setProtocols(Arrays.stream(parameters.getProtocols())
                .filter(p -> p.equals("TLSv1.2") || p.equals("TLSv1.3"))
                .toArray(String[]::new));
        ssl.setSSLParameters(parameters);
        // after STLS the socket keeps whatever timeout the last read left; the handshake gets the full one, as a
        // whole: the socket's timeout restarts at every piece of a handshake message, so a watchdog ends it on time
        long timeoutMillis = options.readTimeout().toMillis();
        ssl.setSoTimeout((int) timeoutMillis);
        Watchdog.Guard guard = Watchdog.arm(ssl, System.nanoTime() + timeoutMillis * 1_000_000L);
        try {
            ssl.startHandshake();
        } catch (IOException e) {
            closeQuietly(ssl);
            if (guard.fired() || e instanceof SocketTimeoutException) {
                throw new SocketTimeoutException("TLS handshake with POP3 server " + options.host() + " port "
                        + options.port() + " did not complete within " + timeoutMillis + " ms (readTimeout): the"
                        + " server is too slow or is not speaking TLS on this port");
            }
            if (!(e instanceof SSLException)) {
                throw e;
            }
            throw new Pop3SecurityException("TLS handshake with POP3 server " + options.host() + " port "
                    + options.port() + " failed: " + e.getMessage()
                    + ". If the server's certificate is self-signed or from a private CA, configure a trust store"
                    + " that holds it; if it names another host, connect by the name it carries.", e);
        } finally {
            guard.close();
        }
        return ssl;
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing the socket failed. This exception is ignored.", e);
        }
    }
}
