package io.github.pop3lite.component;

import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.SSLContextParametersAware;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.HealthCheckComponent;

/** Drains a POP3 maildrop into Camel routes, deleting each message only after its route succeeded. */
@Component("pop3lite")
public class Pop3LiteComponent extends HealthCheckComponent implements SSLContextParametersAware {

    @Metadata(label = "advanced")
    private Pop3LiteConfiguration configuration = new Pop3LiteConfiguration();
    @Metadata(label = "security", defaultValue = "false")
    private boolean useGlobalSslContextParameters;
    private DelegatedConsumers delegatedConsumers;

    public Pop3LiteComponent() {
    }

    public Pop3LiteComponent(CamelContext context) {
        super(context);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        // each endpoint gets its own copy, so that options of one endpoint never leak into another
        Pop3LiteConfiguration config = configuration.copy();
        config.setHostAndPort(remaining);
        Pop3LiteEndpoint endpoint = new Pop3LiteEndpoint(uri, this, config);
        setProperties(endpoint, parameters);
        if (config.getSslContextParameters() == null) {
            config.setSslContextParameters(retrieveGlobalSslContextParameters());
        }
        return endpoint;
    }

    /** The consumers of this component that another consumer started (camel-master's), drained first at the context's stop. */
    synchronized DelegatedConsumers delegatedConsumers() {
        if (delegatedConsumers == null) {
            delegatedConsumers = new DelegatedConsumers();
            getCamelContext().addLifecycleStrategy(delegatedConsumers);
        }
        return delegatedConsumers;
    }

    public Pop3LiteConfiguration getConfiguration() {
        return configuration;
    }

    /** Options shared by every endpoint of this component; each endpoint can override them. */
    public void setConfiguration(Pop3LiteConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    public boolean isUseGlobalSslContextParameters() {
        return useGlobalSslContextParameters;
    }

    /** Use the CamelContext's global SSLContextParameters when the endpoint sets none. */
    @Override
    public void setUseGlobalSslContextParameters(boolean useGlobalSslContextParameters) {
        this.useGlobalSslContextParameters = useGlobalSslContextParameters;
    }
}
