package dev.brain.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One running brain for a whole test class, with one tier-b agent key named after the class's subject. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class OneBrainPerClass {
    private final String subject;
    protected Brain brain;
    protected String key;

    protected OneBrainPerClass(String subject) {
        this.subject = subject;
    }

    @BeforeAll
    void startBrain() {
        brain = Brain.start();
        key = brain.newAgentKey("cust_" + subject, "agent_" + subject, "b");
    }

    @AfterAll
    void stopBrain() {
        brain.close();
    }
}
