namespace Vse.State.Schema;

/// <summary>Schema version 1: configurations with their layers, deployments with their instances.</summary>
internal static class Migration001Initial
{
    // STRICT tables so a wrong type is an error instead of silently stored; states are text so
    // the database stays readable with the sqlite3 shell when something goes wrong.
    // A deployment's reference keeps its configuration from being deleted: destroying it would
    // pull the root filesystem out from under the instances. The default action (NO ACTION)
    // rather than RESTRICT, because only it fails with SQLITE_CONSTRAINT_FOREIGNKEY, which the
    // store recognises; RESTRICT fails as a trigger constraint.
    public const string Sql = """
        CREATE TABLE configurations (
            id                 TEXT    NOT NULL PRIMARY KEY,
            name               TEXT    NOT NULL,
            description_digest TEXT    NOT NULL UNIQUE,
            target             TEXT,
            top_layer_key      TEXT    NOT NULL,
            rootfs_path        TEXT    NOT NULL,
            size_bytes         INTEGER NOT NULL CHECK (size_bytes >= 0),
            created_at         TEXT    NOT NULL,
            description_json   TEXT    NOT NULL,
            lock_json          TEXT    NOT NULL
        ) STRICT;

        CREATE INDEX configurations_by_name ON configurations (name);

        CREATE TABLE configuration_layers (
            configuration_id TEXT    NOT NULL REFERENCES configurations (id) ON DELETE CASCADE,
            position         INTEGER NOT NULL,
            layer_key        TEXT    NOT NULL,
            PRIMARY KEY (configuration_id, position)
        ) STRICT;

        CREATE INDEX configuration_layers_by_key ON configuration_layers (layer_key);

        CREATE TABLE deployments (
            id               TEXT NOT NULL PRIMARY KEY,
            configuration_id TEXT NOT NULL REFERENCES configurations (id),
            name             TEXT NOT NULL,
            driver           TEXT NOT NULL,
            state            TEXT NOT NULL
                CHECK (state IN ('Creating', 'Running', 'Suspended', 'Stopping', 'Failed', 'CleanedUp')),
            created_at       TEXT NOT NULL,
            network_json     TEXT
        ) STRICT;

        CREATE INDEX deployments_by_configuration ON deployments (configuration_id);

        CREATE TABLE instances (
            deployment_id   TEXT    NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
            instance_index  INTEGER NOT NULL CHECK (instance_index >= 0),
            hostname        TEXT    NOT NULL,
            state           TEXT    NOT NULL
                CHECK (state IN ('Creating', 'Running', 'Suspended', 'Stopping', 'Failed', 'CleanedUp')),
            pid             INTEGER,
            runtime_id      TEXT,
            address         TEXT,
            state_directory TEXT    NOT NULL,
            PRIMARY KEY (deployment_id, instance_index)
        ) STRICT;
        """;
}
