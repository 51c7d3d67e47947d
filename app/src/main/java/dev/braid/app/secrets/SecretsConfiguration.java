package dev.braid.app.secrets;

import javax.crypto.SecretKey;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.StringUtils;

import dev.braid.app.config.BraidProperties;

@Configuration(proxyBeanMethods = false)
public class SecretsConfiguration {

    @Bean
    SecretBox secretBox(BraidProperties properties) {
        BraidProperties.Master master = properties.master();
        SecretKey key = StringUtils.hasText(master.key())
                ? MasterKey.fromBase64(master.key(), "BRAID_MASTER_KEY")
                : MasterKey.fromFile(properties.home());
        SecretKey previous = StringUtils.hasText(master.previous())
                ? MasterKey.fromBase64(master.previous(), "BRAID_MASTER_PREVIOUS")
                : null;
        return new SecretBox(key, previous);
    }
}
