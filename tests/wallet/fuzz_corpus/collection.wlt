{
    "meta": {
        "coin": "skycoin",
        "cryptoType": "scrypt-chacha20poly1305",
        "encrypted": "false",
        "filename": "corpus.wlt",
        "label": "corpus",
        "tm": "1700000000",
        "type": "collection",
        "version": "0.4"
    },
    "entries": [
        {
            "address": "2gCfQPWbCWGBbNXNAWPLrqYm84Y82gLfxU2",
            "public_key": "02d4864ec75a8dabb6ec7c55cd499e9aafa4fd3425d719b394e5cca725622aabd7",
            "secret_key": "c298060fec50161ffa0f6cb68a79263513985b1e4149513127b82c4122d96cda"
        }
    ]
}