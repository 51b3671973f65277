"""Gives a freshly initialised Tryton database what production and stock need before their first
record: a currency, a company, and the admin user working in that company.

Usage: python3 setup_company.py <trytond.conf> <database>
Runs inside Tryton (its own ORM), so the server does not need to be up.
"""
import sys

from trytond.config import config

config.update_etc(sys.argv[1])

from trytond.pool import Pool  # noqa: E402  (the configuration must be read first)
from trytond.transaction import Transaction  # noqa: E402

database = sys.argv[2]
Pool.start()
pool = Pool(database)
pool.init()

with Transaction().start(database, 0, readonly=False) as transaction:
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    User = pool.get('res.user')

    currency, = Currency.search([('code', '=', 'KRW')]) or Currency.create([{
        'name': 'South Korean Won', 'code': 'KRW', 'symbol': '\u20a9',
        'rounding': 1, 'digits': 0}])
    company = Company.search([])
    if not company:
        party, = Party.create([{'name': 'Co-Creation Demo Company'}])
        company = Company.create([{'party': party.id, 'currency': currency.id}])
    company = company[0]
    admin, = User.search([('login', '=', 'admin')])
    User.write([admin], {'companies': [('add', [company.id])], 'company': company.id})
    transaction.commit()
    print('company', company.id, 'currency', currency.id)
