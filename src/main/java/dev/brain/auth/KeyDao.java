package dev.brain.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/** API keys: only their SHA-256 is stored; the secret exists once, in what issue returns. */
public interface KeyDao {

    record KeyRow(String id, String agentId, String customerId, String label, Instant createdAt, Instant revokedAt) {
    }

    /** signingSecret is null unless the key was minted with --require-signature; it is shown once, like the key. */
    record IssuedKey(String id, String secret, String signingSecret) {
    }

    /** An active key as stored; the signing secret still sealed under the API key. */
    record ActiveKey(String keyId, String agentId, String customerId, String privacyTier, boolean tierCEnabled,
                     byte[] signingSecretSealed) {
    }

    @SqlQuery("""
            select k.id as key_id, k.agent_id, a.customer_id, c.privacy_tier, c.tier_c_enabled, k.signing_secret_sealed
            from api_keys k join agents a on a.id = k.agent_id join customers c on c.id = a.customer_id
            where k.key_hash = :hash and k.revoked_at is null""")
    @RegisterConstructorMapper(ActiveKey.class)
    Optional<ActiveKey> findActive(byte[] hash);

    @SqlUpdate("""
            insert into api_keys (id, agent_id, key_hash, label, signing_secret_sealed)
            values (:id, :agentId, :hash, :label, :sealed)""")
    void insert(String id, String agentId, byte[] hash, String label, byte[] sealed);

    /** Mints a key for the agent and stores its hash. */
    default IssuedKey issue(String agentId, String label) {
        return issue(agentId, label, false);
    }

    /** Mints a key (and, when signed, its signing secret, stored sealed under the key). */
    default IssuedKey issue(String agentId, String label, boolean requireSignature) {
        String secret = ApiKeys.newSecret();
        String id = ApiKeys.newKeyId();
        String signing = requireSignature ? SigningSecrets.newSecret() : null;
        insert(id, agentId, ApiKeys.hash(secret), label, signing == null ? null : SigningSecrets.seal(secret, signing));
        return new IssuedKey(id, secret, signing);
    }

    @SqlUpdate("update api_keys set revoked_at = now() where id = :id and revoked_at is null")
    int revoke(String id);

    @SqlQuery("""
            select k.id, k.agent_id, a.customer_id, k.label, k.created_at, k.revoked_at
            from api_keys k join agents a on a.id = k.agent_id
            where (cast(:agentId as text) is null or k.agent_id = :agentId)
            order by k.created_at, k.id""")
    @RegisterConstructorMapper(KeyRow.class)
    List<KeyRow> list(String agentId);
}
