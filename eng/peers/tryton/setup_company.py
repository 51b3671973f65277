"""Gives a freshly initialised Tryton database what production and stock need before their first
record: a currency, a company, and the admin user working in that company; and, for designers' payouts
(supplier invoices), a payable account (4010, the default payable) and an expense account (6210).

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

    AccountType = pool.get('account.account.type')
    Account = pool.get('account.account')
    Configuration = pool.get('account.configuration')
    with Transaction().set_context(company=company.id):
        if not Account.search([('code', '=', '4010')]):
            payable_type, expense_type = AccountType.create([
                {'name': 'Payable', 'company': company.id, 'statement': 'balance', 'payable': True},
                {'name': 'Expense', 'company': company.id, 'statement': 'income', 'expense': True}])
            payable, _ = Account.create([
                {'name': 'Designer royalties payable', 'code': '4010', 'company': company.id,
                 'type': payable_type.id, 'reconcile': True, 'party_required': True},
                {'name': 'Designer royalties', 'code': '6210', 'company': company.id, 'type': expense_type.id}])
            configuration = Configuration(1)
            configuration.default_account_payable = payable
            configuration.save()
    transaction.commit()
    print('company', company.id, 'currency', currency.id)
