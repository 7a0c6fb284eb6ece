{
    "meta": {
        "coin": "skycoin",
        "cryptoType": "scrypt-chacha20poly1305-insecure",
        "encrypted": "true",
        "filename": "corpus.wlt",
        "label": "corpus",
        "lastSeed": "",
        "secrets": "dAB7Im4iOjMyNzY4LCJyIjo4LCJwIjoxLCJrZXlMZW4iOjMyLCJzYWx0IjoiZHpqMjlFUEpIUFFnM3FoTDdqeFk3b2dTYyt6ZE8vd3gxTlpQeGtvdkVYTT0iLCJub25jZSI6InJaU0hHeEc4cDd3NzdCZ2QifdUGhfhruKSHha+/X9cEMJclCrRZlUutO+xf24NfRElByU3XVjJ8ZqXvRc1E7l/FN9IdamhJobSSHcfWNwCEyafAzZFVnRo60HfpdxTFzGmmj8quinXvMS07B/SJykrmONokS+fpKNy0C+1vgkWZh3z4EPxR/fBDPUnMq8YsUTmO+7HFIRoCx7WMbud72lbWPDeFz+WD5IT418/YzcRq9cMo1MNtNI7HmEwmFeYE3E8CbGi+weRoYEkduPhiXfqXl12XcE5l/Kzr19rfjgxioidC9fswjCUkpsE9FdcH/cNcS2aX6z1QZ3DUzeBCqZOfwt6U9Rrk3eWx/U6gj56/asf2chYXpa2VGJzswrc5yq/pFZgqvl58j7qtUFqq751ClM94+O6/jUa7R4Ozxb3y27I0kTiFszYfFsNPgBNpGQkAKuo/5XV1n7e0SdOW8jCRIdH5+xf13DNm+jqp3Z25oXOyrDw++pcgXhRSNCh9KqZwn4nTD6WI47kwQF3Jc6nKoAqD9b24f2s+Qw2nX7rANZcKUgNrHY8kpfE7VOXPR/e9y0RjQ1RsBcocviLH5Q==",
        "seed": "",
        "tm": "1700000000",
        "type": "deterministic",
        "version": "0.4"
    },
    "entries": [
        {
            "address": "Fu3CGb5xwcuLfpTKpy8WEqJ5U4ZnaLsD3q",
            "public_key": "02624088bbd5da16bfa09ee55d20f7752fd03ef7afb0ea57b90abed2f85a05a523",
            "secret_key": ""
        },
        {
            "address": "2K4AN8sanxW3eMBPe3gncpnpKsWfgW1wA14",
            "public_key": "02f943f204a789e645d83f583dc3372cc77372da5fad19c330ba3a4a8ff69a504b",
            "secret_key": ""
        },
        {
            "address": "byRqTo2pGWXbvGZFjqovQ4TncXLbsAcnQv",
            "public_key": "02bd3285f4103606b0681521eec375ed3bb767a81d6c4e39fb5596e10548631997",
            "secret_key": ""
        }
    ]
}