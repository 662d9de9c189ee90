package dev.brain.admin;

import dev.brain.auth.ApiKeys;
import dev.brain.auth.KeyDao;
import dev.brain.auth.TenantDao;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** `brain admin demo ensure`, for `make run`: a demo customer, agent and key, created once; the key is kept in a local file. */
record DemoCommands(TenantDao tenants, KeyDao keys, PrintStream out, PrintStream err) {

    int ensure(Args a) {
        Path keyFile = Path.of(a.required("key-file"));
        tenants.addCustomer("cust_demo", "Demo customer", "b");
        tenants.addAgent("agent_demo", "cust_demo", "demo");
        try {
            if (Files.isRegularFile(keyFile)) {
                String existing = Files.readString(keyFile, StandardCharsets.UTF_8).trim();
                if (keys.findActive(ApiKeys.hash(existing)).isPresent()) {
                    out.println(existing);
                    return 0;
                }
            }
            String secret = keys.issue("agent_demo", "demo").secret();
            Files.createDirectories(keyFile.toAbsolutePath().getParent());
            Files.writeString(keyFile, secret + "\n", StandardCharsets.UTF_8);
            out.println(secret);
            return 0;
        } catch (IOException e) {
            err.println("cannot use " + keyFile + ": " + e.getMessage());
            return 1;
        }
    }
}
