package dev.braid.app.http;

import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import dev.braid.app.config.BraidProperties;

/**
 * The embedded Tomcat's defences, beside the {@code server.tomcat.*} settings of application.yml
 * (connection timeout, keep-alive, connection cap): its error answers as problem JSON
 * ({@link ProblemReportValve} in place of the HTML {@link ErrorReportValve}) and a deadline for
 * request headers ({@link HeaderDeadlineProtocol}, {@code braid.http.header-timeout}).
 */
@Configuration(proxyBeanMethods = false)
public class ServletContainerConfiguration {

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> containerDefences(BraidProperties properties) {
        return new ContainerDefences(properties.http());
    }

    /** Runs after Spring Boot's own Tomcat customizer, which adds the plain ErrorReportValve this one replaces. */
    static final class ContainerDefences implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        private final BraidProperties.Http http;

        ContainerDefences(BraidProperties.Http http) {
            this.http = http;
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.setProtocol(HeaderDeadlineProtocol.class.getName());
            factory.addProtocolHandlerCustomizers((TomcatProtocolHandlerCustomizer<?>) protocol -> {
                if (protocol instanceof HeaderDeadlineProtocol deadline) {
                    deadline.setHeaderDeadline(http.headerTimeout());
                }
            });
            factory.addContextCustomizers(context -> problemReports(context.getParent()));
        }

        private static void problemReports(Container host) {
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof ProblemReportValve)) {
                    host.getPipeline().removeValve(valve);
                }
            }
            host.getPipeline().addValve(new ProblemReportValve());
            if (host instanceof StandardHost standard) {
                // Otherwise the host adds its default (HTML) report valve when it starts.
                standard.setErrorReportValveClass(ProblemReportValve.class.getName());
            }
        }
    }
}
